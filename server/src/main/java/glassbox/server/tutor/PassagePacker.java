package glassbox.server.tutor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import glassbox.model.text.Sentences;

/**
 * Chooses which sentences of a retrieved section go into the tutor's prompt when only
 * {@code words} words fit: the sentence sharing most words with the question, then its
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

    static String pack(String text, String question, int words) {
        String section = text.strip().replaceAll("[ \\t]+", " ");
        List<Sentences.Span> spans = Sentences.split(section);
        if (spans.isEmpty()) {
            return Tutor.firstWords(section, words);
        }
        Set<String> asked = stems(question);
        int best = 0;
        int bestScore = -1;
        for (int i = 0; i < spans.size(); i++) {
            int score = overlap(stems(spans.get(i).of(section)), asked);
            if (score > bestScore) {
                best = i;
                bestScore = score;
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
     * The sentences that share the most words with the question, a word counting more the fewer
     * of the passages' sentences contain it (so "softmax" outweighs "model"): where a grounded
     * answer may open. Sentences within {@link #OPENING_SHARE} of the best score qualify.
     */
    public static java.util.function.Predicate<String> sharingMostWordsWith(String question, List<String> sentences) {
        Set<String> asked = stems(question);
        java.util.Map<String, Integer> df = new java.util.HashMap<>();
        for (String s : sentences) {
            for (String stem : stems(s)) {
                if (asked.contains(stem)) {
                    df.merge(stem, 1, Integer::sum);
                }
            }
        }
        java.util.function.ToDoubleFunction<String> score = s -> stems(s).stream().filter(asked::contains)
                .mapToDouble(stem -> 1.0 / df.getOrDefault(stem, 1)).sum();
        double best = sentences.stream().mapToDouble(score).max().orElse(0);
        return sentence -> best > 0 && score.applyAsDouble(sentence) >= OPENING_SHARE * best;
    }

    static final double OPENING_SHARE = 0.8;

    static Set<String> stems(String text) {
        Set<String> out = new HashSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (w.length() >= 2 && !STOP.contains(w)) {
                out.add(w.length() > 5 ? w.substring(0, 5) : w);
            }
        }
        return out;
    }

    private static int overlap(Set<String> a, Set<String> b) {
        int n = 0;
        for (String s : a) {
            if (b.contains(s)) {
                n++;
            }
        }
        return n;
    }

    private static int wordCount(String s) {
        return s.strip().split("\\s+").length;
    }
}
