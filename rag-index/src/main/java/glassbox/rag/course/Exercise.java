package glassbox.rag.course;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One exercise of a lesson's {@code ## Exercises} section. Each starts with a bold label naming its
 * kind, then the question, then the worked answer in a collapsed block:
 * <pre>
 * **1. Compute.** What is ...?
 *
 * &lt;details&gt;&lt;summary&gt;Answer&lt;/summary&gt;
 *
 * The worked solution, in Markdown.
 *
 * &lt;/details&gt;
 * </pre>
 * The server renders exactly these two tags (and nothing else of raw HTML) as HTML.
 */
public record Exercise(int number, String kind, String question, String answer) {
    public static final List<String> KINDS = List.of("Compute", "Predict and check", "Think");
    public static final String OPEN = "<details><summary>Answer</summary>";
    public static final String CLOSE = "</details>";

    private static final Pattern LABEL = Pattern.compile("^\\*\\*(\\d+)\\. ([^*]+?)\\.\\*\\*\\s*(.*)$");

    /** The exercises of a section's Markdown text, in order; text before the first label is ignored. */
    public static List<Exercise> parse(String markdown) {
        List<Exercise> out = new ArrayList<>();
        Matcher label = null;
        StringBuilder question = new StringBuilder();
        StringBuilder answer = null;
        boolean inAnswer = false;
        for (String line : (markdown + "\n**0. End.**").split("\n")) {
            Matcher m = LABEL.matcher(line.strip());
            if (!inAnswer && m.matches()) {
                if (label != null) {
                    out.add(new Exercise(Integer.parseInt(label.group(1)), label.group(2), question.toString().strip(),
                            answer == null ? "" : answer.toString().strip()));
                }
                label = m;
                question = new StringBuilder(m.group(3)).append('\n');
                answer = null;
            } else if (line.strip().equals(OPEN)) {
                inAnswer = true;
                answer = new StringBuilder();
            } else if (line.strip().equals(CLOSE)) {
                inAnswer = false;
            } else if (inAnswer) {
                answer.append(line).append('\n');
            } else if (label != null && answer == null) {
                question.append(line).append('\n');
            }
        }
        return out;
    }
}
