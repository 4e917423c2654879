package glassbox.rag.course;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Model numbers in lesson text: {@code {{training.tokens_seen}}} stands for a {@link ModelFacts}
 * value and is replaced by it when the course is loaded for serving. A placeholder with no value is
 * left as it is, for {@link CourseCheck} to report.
 */
public final class Placeholders {
    public static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.]+)\\s*}}");

    private Placeholders() {
    }

    public static String resolve(String text, ModelFacts facts) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(facts.get(m.group(1)).orElse(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The placeholders still in {@code text}, as written. */
    public static List<String> remaining(String text) {
        List<String> found = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }
}
