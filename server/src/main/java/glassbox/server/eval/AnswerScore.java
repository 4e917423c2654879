package glassbox.server.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How one tutor answer scores: an expected lesson among its first three citations, a key term
 * named, the share of its word 4-grams found in the cited sections and in the course, a clean
 * stop, its length and latency.
 */
public record AnswerScore(DevQuestion question, String answer, List<String> citedSlugs, boolean citeAt3, boolean keyTerm,
                          double groundedShare, double courseShare, boolean cleanStop, int answerTokens, double millis) {

    /** The answer's word 4-grams: lower-case letters and digits only, so punctuation and markers do not count. */
    static List<String> fourGrams(String text) {
        String[] w = words(text);
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 4 <= w.length; i++) {
            out.add(String.join(" ", w[i], w[i + 1], w[i + 2], w[i + 3]));
        }
        return out;
    }

    static Set<String> fourGramSet(String text) {
        return new HashSet<>(fourGrams(text));
    }

    /** Share of the answer's 4-grams in {@code source}; an answer too short to have one counts as 0. */
    static double share(String answer, Set<String> source) {
        List<String> grams = fourGrams(answer);
        return grams.isEmpty() ? 0 : grams.stream().filter(source::contains).count() / (double) grams.size();
    }

    static boolean namesKeyTerm(String answer, List<String> terms) {
        String a = answer.toLowerCase(Locale.ROOT);
        return terms.stream().anyMatch(t -> a.contains(t.toLowerCase(Locale.ROOT)));
    }

    private static String[] words(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("\\[\\d+]", " ").replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
        return s.isEmpty() ? new String[0] : s.split(" ");
    }
}
