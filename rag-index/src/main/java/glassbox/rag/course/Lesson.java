package glassbox.rag.course;

import java.util.List;

/** A parsed lesson: front matter, the Markdown body and its {@code ##} sections. */
public record Lesson(String slug, String title, String summary, List<String> keyTerms,
                     List<String> prerequisites, String body, List<Section> sections) {

    public Lesson {
        keyTerms = List.copyOf(keyTerms);
        prerequisites = List.copyOf(prerequisites);
        sections = List.copyOf(sections);
    }

    /** Words in the body (front matter excluded), counted as whitespace-separated runs. */
    public int wordCount() {
        String trimmed = body.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }
}
