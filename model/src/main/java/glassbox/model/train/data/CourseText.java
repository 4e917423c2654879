package glassbox.model.train.data;

import java.util.List;

/**
 * The course as the trainer needs it, independent of how it was parsed (the server maps the
 * RAG index's parsed lessons onto these records; model and rag-index do not know each other).
 */
public record CourseText(List<LessonText> lessons, List<GlossaryTerm> glossary) {
    public CourseText {
        lessons = List.copyOf(lessons);
        glossary = List.copyOf(glossary);
    }

    /** A lesson: front matter plus its sections in order. */
    public record LessonText(String slug, String title, String summary, List<String> keyTerms, List<SectionText> sections) {
        public LessonText {
            keyTerms = List.copyOf(keyTerms);
            sections = List.copyOf(sections);
        }
    }

    /** One {@code ##} section: heading and Markdown text. */
    public record SectionText(String heading, String text) {
    }

    /** A glossary entry and the lesson that teaches it. */
    public record GlossaryTerm(String term, String definition, String slug) {
    }
}
