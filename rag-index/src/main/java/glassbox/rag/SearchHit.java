package glassbox.rag;

/** A ranked search result: where in the course, how well it matched, and a snippet with {@code <mark>}ed terms (HTML-escaped). */
public record SearchHit(String slug, String title, String section, String anchor, float score, String snippet, String text) {
}
