package glassbox.rag.course;

import java.util.List;
import java.util.Optional;

/** A parsed lesson: front matter, the Markdown body and its {@code ##} sections. */
public record Lesson(String slug, String title, String summary, List<String> keyTerms,
                     List<String> prerequisites, String body, List<Section> sections) {
    public static final String TRY_IT = "Try it in the lab";
    public static final String EXERCISES = "Exercises";
    public static final String FURTHER_READING = "Further reading";

    public Lesson {
        keyTerms = List.copyOf(keyTerms);
        prerequisites = List.copyOf(prerequisites);
        sections = List.copyOf(sections);
    }

    /** The body up to its Exercises or Further reading section: what the lesson teaches. */
    public String teachingText() {
        int cut = body.length();
        for (String heading : List.of(EXERCISES, FURTHER_READING)) {
            int at = ("\n" + body).indexOf("\n## " + heading + "\n");
            cut = at >= 0 ? Math.min(cut, at) : cut;
        }
        return body.substring(0, cut);
    }

    /** Words of the teaching text, counted as whitespace-separated runs. */
    public int wordCount() {
        return words(teachingText());
    }

    public Optional<Section> section(String heading) {
        return sections.stream().filter(s -> s.heading().equalsIgnoreCase(heading)).findFirst();
    }

    /** The lesson with its model-number placeholders replaced (see {@link Placeholders}). */
    public Lesson resolve(ModelFacts facts) {
        return new Lesson(slug, Placeholders.resolve(title, facts), Placeholders.resolve(summary, facts), keyTerms, prerequisites,
                Placeholders.resolve(body, facts), sections.stream().map(s -> s.resolve(facts)).toList());
    }

    private static int words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }
}
