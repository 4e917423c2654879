package glassbox.rag.course;

/** One glossary term: its definition and the slug of the lesson that teaches it. */
public record GlossaryEntry(String term, String anchor, String definition, String lessonSlug) {

    public GlossaryEntry resolve(ModelFacts facts) {
        return new GlossaryEntry(term, anchor, Placeholders.resolve(definition, facts), lessonSlug);
    }
}
