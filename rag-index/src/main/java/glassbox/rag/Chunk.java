package glassbox.rag;

/**
 * One retrievable piece of the course: part of a lesson section (long sections are split into
 * overlapping windows), with everything needed to cite it.
 */
public record Chunk(String slug, String title, String summary, String section, String anchor, int position,
                    String terms, String text) {
}
