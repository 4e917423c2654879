package glassbox.rag;

import java.util.Map;

/**
 * A ranked search result: where in the course, how well it matched, and a snippet with
 * {@code <mark>}ed terms (HTML-escaped). {@code score} is the fused score the hits are
 * ordered by; {@code wordScore} is its BM25 score by words (0 when no query word occurs in it)
 * and {@code similarity} the cosine between the query's and the chunk's meaning vectors.
 * {@code fields}, when asked for ({@link CourseIndex#search(String, int, boolean)}), splits the word
 * score by field (title, heading, terms, summary, text, typo); otherwise it is empty.
 */
public record SearchHit(String slug, String title, String section, String anchor, float score, float wordScore,
                        float similarity, String snippet, String text, Map<String, Float> fields) {

    public SearchHit(String slug, String title, String section, String anchor, float score, float wordScore,
                     float similarity, String snippet, String text) {
        this(slug, title, section, anchor, score, wordScore, similarity, snippet, text, Map.of());
    }
}
