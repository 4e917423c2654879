package glassbox.rag.course;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code course/glossary.md}: after the front matter, {@code ## A}-style letter headings
 * group {@code ### Term} entries, each a definition followed by one line
 * {@code Lesson: [slug](slug.md)}.
 */
public final class GlossaryParser {
    private static final Pattern LESSON_LINK = Pattern.compile("^Lesson:\\s*\\[([^\\]]+)]\\(([^)]+)\\)\\s*$");

    private GlossaryParser() {
    }

    public static List<GlossaryEntry> parse(String fileName, String markdown) {
        String body = FrontMatter.parse(fileName, markdown).body();
        List<GlossaryEntry> entries = new ArrayList<>();
        String term = null;
        String slug = null;
        StringBuilder definition = new StringBuilder();
        for (String line : (body + "\n### \n").split("\n")) {
            if (line.startsWith("### ") || line.startsWith("## ")) {
                if (term != null) {
                    if (slug == null) {
                        throw new CourseFormatException(fileName + ": term '" + term + "' has no 'Lesson: [slug](slug.md)' line");
                    }
                    String text = definition.toString().strip().replaceAll("\\s+", " ");
                    if (text.isEmpty()) {
                        throw new CourseFormatException(fileName + ": term '" + term + "' has no definition");
                    }
                    entries.add(new GlossaryEntry(term, Anchors.of(term), text, slug));
                }
                term = line.startsWith("### ") && !line.substring(4).isBlank() ? line.substring(4).strip() : null;
                slug = null;
                definition.setLength(0);
                continue;
            }
            Matcher m = LESSON_LINK.matcher(line.strip());
            if (term != null && m.matches()) {
                slug = m.group(1).strip();
                if (!m.group(2).strip().equals(slug + ".md")) {
                    throw new CourseFormatException(fileName + ": term '" + term + "' links to " + m.group(2) + " but names " + slug);
                }
            } else if (term != null) {
                definition.append(line).append('\n');
            }
        }
        return entries;
    }
}
