package glassbox.server.tutor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import glassbox.model.text.Sentences;

/**
 * Chooses which sentences of a retrieved section go into the tutor's prompt when only
 * {@code words} words fit: the sentence that best answers the question ({@link SentenceRanker}), then its
 * neighbours (following first), kept in the section's order. Whole sentences only, so every
 * sentence in the context can be quoted whole; a section with no quotable sentence falls back to
 * its first words.
 */
public final class PassagePacker {
    private static final Set<String> STOP = Set.of("what", "whats", "does", "the", "and", "how", "why", "can", "you",
            "explain", "mean", "means", "about", "with", "this", "that", "are", "for", "from", "into", "its", "when",
            "which", "who", "use", "used", "there", "their", "than", "then", "between", "difference", "tell", "please",
            "is", "do", "of", "to", "in", "an", "a", "it", "me", "we", "i", "on", "or", "as", "be", "by", "at", "so");

    private PassagePacker() {
    }

    static String pack(String text, String question, int words, SentenceRanker ranker) {
        String section = text.strip().replaceAll("[ \\t]+", " ");
        List<Sentences.Span> spans = Sentences.split(section);
        if (spans.isEmpty()) {
            return Tutor.firstWords(section, words);
        }
        double[] scores = ranker.scores(question, spans.stream().map(sp -> sp.of(section)).toList());
        int best = 0;
        for (int i = 1; i < spans.size(); i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        int from = best, to = best + 1;
        int used = wordCount(spans.get(best).of(section));
        if (used > words) {
            return Tutor.firstWords(spans.get(best).of(section), words);
        }
        // Grow the window, preferring the sentences after the best one (they usually explain it).
        boolean grew = true;
        while (grew) {
            grew = false;
            if (to < spans.size() && used + wordCount(spans.get(to).of(section)) <= words) {
                used += wordCount(spans.get(to++).of(section));
                grew = true;
            } else if (from > 0 && used + wordCount(spans.get(from - 1).of(section)) <= words) {
                used += wordCount(spans.get(--from).of(section));
                grew = true;
            }
        }
        List<String> kept = new ArrayList<>();
        for (int i = from; i < to; i++) {
            kept.add(spans.get(i).of(section).replaceAll("\\s+", " "));
        }
        return String.join(" ", kept);
    }

    /**
     * How many of the question's words each sentence shares, a word counting more the fewer of
     * the sentences contain it (so "softmax" outweighs "model").
     */
    static double[] wordScores(String question, List<String> sentences) {
        Set<String> asked = stems(question);
        java.util.Map<String, Integer> df = new java.util.HashMap<>();
        List<Set<String>> shared = new ArrayList<>();
        for (String s : sentences) {
            Set<String> common = new HashSet<>(stems(s));
            common.retainAll(asked);
            common.forEach(stem -> df.merge(stem, 1, Integer::sum));
            shared.add(common);
        }
        return shared.stream().mapToDouble(common -> common.stream().mapToDouble(stem -> 1.0 / df.get(stem)).sum()).toArray();
    }

    static Set<String> stems(String text) {
        Set<String> out = new HashSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (w.length() >= 2 && !STOP.contains(w)) {
                out.add(w.length() > 5 ? w.substring(0, 5) : w);
            }
        }
        return out;
    }


    private static int wordCount(String s) {
        return s.strip().split("\\s+").length;
    }
}
