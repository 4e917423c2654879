package glassbox.rag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.spell.DirectSpellChecker;
import org.apache.lucene.search.spell.SuggestMode;
import org.apache.lucene.search.spell.SuggestWord;

/**
 * Puts right the misspelt words of a query before it is searched: "wat is atention in a
 * transfomer" is searched as "wat is attention in a transformer". A word is corrected only when
 * it is long enough to judge ({@link #MIN_LENGTH} letters), the course never uses it, and it is
 * not a common English word either (the sentence encoder's vocabulary), so "printer" stays
 * "printer". The correction is a course word one edit away, the most frequent one among equals: Lucene's {@link DirectSpellChecker} over the index's unstemmed words.
 *
 * <p>Both halves of the search gain: the words find the section's own terms in every field, and
 * the encoder reads "attention" instead of wordpieces of "atention".
 */
final class QuerySpelling {
    static final int MIN_LENGTH = 5;
    /** Longer runs of letters are not words anyone misspelt (a pasted blob): left as typed. */
    static final int MAX_LENGTH = 40;
    /** At most this many words of a query are looked up (each lookup walks the index's terms), so a pasted page costs no more than a question. */
    static final int MAX_LOOKUPS = 16;
    private static final Pattern WORD = Pattern.compile("\\p{L}+");

    private final IndexReader reader;
    private final String field;
    private final Set<String> englishWords;
    private final DirectSpellChecker checker = new DirectSpellChecker();

    QuerySpelling(IndexReader reader, String field, Set<String> englishWords) {
        this.reader = reader;
        this.field = field;
        this.englishWords = englishWords;
        // One edit: every misspelling in the dev sets is one edit from its word ("atention", "perplexty",
        // "regularisation"); two edits turned words the course writes differently into others ("chatbot" to
        // "chatgpt", "warmup" to "warm", "deduplicated" to "duplicated").
        checker.setMaxEdits(1);
    }

    /** The query with each misspelt word replaced by its correction; the rest of the text as it was. */
    String correct(String query) {
        Matcher m = WORD.matcher(query);
        StringBuilder out = new StringBuilder(query.length());
        int lookups = 0;
        while (m.find() && lookups < MAX_LOOKUPS) {
            String word = m.group();
            if (needsLookup(word)) {
                lookups++;
                m.appendReplacement(out, Matcher.quoteReplacement(correction(word)));
            }
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Word-sized and not a common English word: only then is the course asked about it. */
    private boolean needsLookup(String word) {
        return word.length() >= MIN_LENGTH && word.length() <= MAX_LENGTH && !englishWords.contains(word.toLowerCase(Locale.ROOT));
    }

    /** The word itself when the course uses it or no course word is one edit away. */
    private String correction(String word) {
        try {
            Term term = new Term(field, word.toLowerCase(Locale.ROOT));
            if (reader.docFreq(term) > 0) {
                return word;
            }
            SuggestWord[] best = checker.suggestSimilar(term, 1, reader, SuggestMode.SUGGEST_WHEN_NOT_IN_INDEX);
            return best.length == 0 ? word : best[0].string;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
