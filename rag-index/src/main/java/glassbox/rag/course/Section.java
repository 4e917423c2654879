package glassbox.rag.course;

/** One {@code ##} section of a lesson: its heading, stable anchor, order and Markdown text. */
public record Section(String heading, String anchor, int position, String text) {

    /** Exercises and Further reading: what a lesson gives after its teaching text. */
    public boolean isBackMatter() {
        return heading.equalsIgnoreCase(Lesson.EXERCISES) || heading.equalsIgnoreCase(Lesson.FURTHER_READING);
    }

    public Section resolve(ModelFacts facts) {
        return new Section(heading, anchor, position, Placeholders.resolve(text, facts));
    }
}
