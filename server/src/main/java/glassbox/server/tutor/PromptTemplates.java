package glassbox.server.tutor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tutor's templates from {@code prompts/}, read once at start-up. A slot is {{name}}; a
 * template with an unknown slot or without a required one is refused at start-up, not at the
 * first question.
 */
public record PromptTemplates(String system, String rag, String noContext) {
    private static final Pattern SLOT = Pattern.compile("\\{\\{\\s*([a-z_]+)\\s*}}");

    public static PromptTemplates load(Path dir) throws IOException {
        String system = read(dir, "tutor-system.txt", Set.of());
        String rag = read(dir, "tutor-rag.txt", Set.of("passages"));
        String noContext = read(dir, "tutor-no-context.txt", Set.of());
        return new PromptTemplates(system, rag, noContext);
    }

    private static String read(Path dir, String name, Set<String> slots) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IOException("prompt template missing: " + file.toAbsolutePath());
        }
        String text = Files.readString(file).strip();
        Set<String> found = new LinkedHashSet<>();
        Matcher m = SLOT.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        if (!found.equals(slots)) {
            throw new IOException(file + ": slots " + found + ", expected exactly " + slots);
        }
        return text;
    }

    /** Fills the RAG template's {{passages}} slot. */
    public String fillRag(String passages) {
        return fill(rag, Map.of("passages", passages));
    }

    static String fill(String template, Map<String, String> values) {
        Matcher m = SLOT.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(values.get(m.group(1))));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
