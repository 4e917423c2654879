package glassbox.rag;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A question of the retrieval evaluation set and the lesson slugs that answer it. */
public record DevQuestion(String question, Set<String> slugs) {

    /** Reads {@code question<TAB>slug[,slug...]} lines; blank lines and {@code #} comments are skipped. */
    public static List<DevQuestion> read(Path file) throws IOException {
        List<DevQuestion> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file)) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int tab = line.lastIndexOf('\t');
            if (tab <= 0) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": expected 'question<TAB>slug[,slug]'");
            }
            out.add(new DevQuestion(line.substring(0, tab).strip(), Set.of(line.substring(tab + 1).strip().split("\\s*,\\s*"))));
        }
        return out;
    }
}
