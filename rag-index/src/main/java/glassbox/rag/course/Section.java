package glassbox.rag.course;

/** One {@code ##} section of a lesson: its heading, stable anchor, order and Markdown text. */
public record Section(String heading, String anchor, int position, String text) {
}
