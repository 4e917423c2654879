package glassbox.server.tutor;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import glassbox.rag.SentenceEncoder;

/**
 * How well each passage sentence answers the question, from two signals that fail differently:
 * the question's words it shares, rarer words counting more ({@link PassagePacker#wordScores}),
 * and the cosine of their sentence vectors (all-MiniLM-L6-v2, as in retrieval), so "how long is a
 * vector" can find the sentence about its norm though they share no word. Each signal is divided
 * by its best value among the sentences and the two are added.
 *
 * <p>Measured on the 180 tutor dev questions (grounded, temperature 0): answers named a key term
 * in 0.567 of cases with words alone, 0.528 with meaning alone and 0.600 with both; letting only
 * the single best sentence open the answer gave 0.567, sentences within 0.8 or 0.9 of the best
 * 0.600. Sentence vectors are kept once computed: they come from the course, so the cache is
 * bounded by the course's size (about 2,000 sentences, 3 MB).
 */
public final class SentenceRanker {
    /**
     * A sentence may open the answer when its score is within this share of the best one's. With
     * the 1,024-token model and excerpts of four sentences, 1.0 (the best opening only) named a key
     * term in 0.733 of the 180 dev answers, 0.9 with excerpts of three or four in 0.689.
     */
    static final double OPENING_SHARE = 1.0;
    /**
     * What a sentence of any passage but the first counts when openings are chosen (see {@link #opening}).
     * With retrieval fused by score, measured offline as the share of best openings whose excerpt
     * names a key term, on the 180 dev questions and the 231 of the second dev set: 0.6 gave 138
     * and 158, 0.7 141 and 163, 0.8 141 and 168, 0.9 140 and 168, 1.0 135 and 163.
     */
    static final double LOWER_PASSAGE_WEIGHT = 0.8;
    /**
     * What the sentence after an opening adds to the opening's score (see {@link #withWhatFollows}).
     * Measured on the 180 dev questions (grounded, temperature 0): key term 0.667 with 0 (the
     * opening alone), 0.694 with 0.75.
     */
    static final double FOLLOWING_WEIGHT = 0.75;
    /** The sentences an answer's excerpt may hold ({@link Tutor#ANSWER_RULES}): the opening and up to three after it. */
    static final int EXCERPT_SENTENCES = Tutor.ANSWER_RULES.maxSentences();
    private static final int MAX_CACHED = 20_000;

    private final SentenceEncoder encoder;
    private final Map<String, float[]> vectors = new ConcurrentHashMap<>();
    /**
     * The latest questions' vectors: one request scores its question against each passage it packs
     * and again for the openings, so without this the question would be encoded several times.
     * Questions are the users' text, hence a small least-recently-used map, apart from the course's.
     */
    private final Map<String, float[]> questions = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                    return size() > RECENT_QUESTIONS;
                }
            });
    private static final int RECENT_QUESTIONS = 256;

    public SentenceRanker(SentenceEncoder encoder) {
        this.encoder = encoder;
    }

    /** One score per sentence, in order, in [0, 2]: shared words and closeness in meaning, each relative to the best sentence's. */
    public double[] scores(String question, List<String> sentences) {
        return scores(question, sentences, sentences);
    }

    /** Like {@link #scores(String, List)}, with closeness in meaning read from {@code meaningTexts} (one per sentence). */
    private double[] scores(String question, List<String> sentences, List<String> meaningTexts) {
        double[] words = PassagePacker.wordScores(question, sentences);
        float[] q = questionVector(question);
        double[] meaning = new double[sentences.size()];
        for (int i = 0; i < meaning.length; i++) {
            meaning[i] = dot(q, vector(meaningTexts.get(i)));
        }
        double bestWords = java.util.Arrays.stream(words).max().orElse(0);
        double bestMeaning = java.util.Arrays.stream(meaning).max().orElse(0);
        double[] out = new double[meaning.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (bestWords > 0 ? words[i] / bestWords : 0) + (bestMeaning > 0 ? Math.max(0, meaning[i]) / bestMeaning : 0);
        }
        return out;
    }

    /**
     * A passage sentence, the rank of its passage among the retrieved ones (0: the best hit) and
     * the heading of the section it comes from.
     */
    public record Quotable(String text, int passageRank, String heading) {
        public Quotable(String text, int passageRank) {
            this(text, passageRank, "");
        }

        /**
         * What the encoder reads of it: the sentence under its heading ("Scaled dot-product
         * attention: Scale: divide by …"), so a sentence that names its topic only through its
         * section is still close to a question about that topic. Grounded key-term rate on the 180
         * dev questions: 0.772 with bare sentences, 0.778 under their headings.
         */
        String inContext() {
            return heading.isBlank() ? text : heading + ": " + text;
        }
    }

    /**
     * The sentences that may open a grounded answer: those scoring within {@link #OPENING_SHARE}
     * of the best, after these adjustments that say where an answer begins:
     * <ul>
     * <li>a sentence of a lower-ranked passage counts {@link #LOWER_PASSAGE_WEIGHT} of its score (the
     * best hit is the likeliest home of the answer; a later one must match clearly better);</li>
     * <li>a question never opens; the sentence after it, in the same passage, scores at least as the
     * question did ("Why stack many?" is answered by "Because depth is far more efficient.");</li>
     * <li>a line of code never opens ({@link #looksLikeCode});</li>
     * <li>a sentence that leans on the one before it ("But they are not explanations…", see
     * {@link #leansOnTheSentenceBefore}) hands its score to that sentence, so the answer opens where
     * the thought opens (same key-term rate; answers opening this way fell from 13 to 9 of 180);</li>
     * <li>an opening counts what the sentences after it score too ({@link #withWhatFollows}), since
     * the answer quotes them with it.</li>
     * </ul>
     * Measured on the 180 dev questions as the share of best openings (with the sentence after)
     * that name a key term: 0.539 without the first three adjustments, 0.589 with the passage weight alone, 0.594 with all three.
     */
    public java.util.function.Predicate<String> opening(String question, List<Quotable> sentences) {
        double[] s = scores(question, sentences.stream().map(Quotable::text).toList(), sentences.stream().map(Quotable::inContext).toList());
        for (int i = 0; i < s.length; i++) {
            if (sentences.get(i).passageRank() > 0) {
                s[i] *= LOWER_PASSAGE_WEIGHT;
            }
        }
        double[] own = s.clone();
        for (int i = s.length - 1; i > 0; i--) {
            if (leansOnTheSentenceBefore(sentences.get(i).text()) && samePassage(sentences, i - 1, i)) {
                handOver(s, i, i - 1);
            }
        }
        for (int i = 0; i < s.length; i++) {
            String text = sentences.get(i).text();
            if (text.endsWith("?")) {
                if (i + 1 < s.length && samePassage(sentences, i, i + 1)) {
                    handOver(s, i, i + 1);
                }
                s[i] = 0;
            } else if (looksLikeCode(text)) {
                s[i] = 0;
            }
        }
        s = withWhatFollows(s, own, sentences);
        double best = java.util.Arrays.stream(s).max().orElse(0);
        java.util.Set<String> open = new java.util.HashSet<>();
        for (int i = 0; i < s.length; i++) {
            if (best > 0 && s[i] >= OPENING_SHARE * best) {
                open.add(sentences.get(i).text());
            }
        }
        return open::contains;
    }

    /**
     * An opening's score plus what the sentences after it in its passage score, the next at
     * {@link #FOLLOWING_WEIGHT}, the one after at its square, and so on over the excerpt's length:
     * the answer is the whole excerpt, so it opens where the excerpt answers best, not where one
     * sentence does. Scores are those before the hand-overs ({@code own}), so a leaning sentence
     * still counts for the excerpt it sits in.
     */
    private static double[] withWhatFollows(double[] opening, double[] own, List<Quotable> sentences) {
        double[] out = opening.clone();
        for (int i = 0; i < out.length; i++) {
            if (opening[i] <= 0) {
                continue;
            }
            double weight = 1;
            for (int j = i + 1; j < Math.min(out.length, i + EXCERPT_SENTENCES) && samePassage(sentences, i, j); j++) {
                weight *= FOLLOWING_WEIGHT;
                out[i] += weight * own[j];
            }
        }
        return out;
    }

    private static boolean samePassage(List<Quotable> sentences, int a, int b) {
        return sentences.get(a).passageRank() == sentences.get(b).passageRank();
    }

    /** Sentence {@code to} may open wherever sentence {@code from} would have; {@code from} no longer opens. */
    private static void handOver(double[] scores, int from, int to) {
        scores[to] = Math.max(scores[to], scores[from]);
        scores[from] = 0;
    }

    /** Words that tie a sentence to the one before it: quoted first, it would answer in mid-thought ("But they are not explanations…"). */
    private static final java.util.regex.Pattern LEANS_BACK = java.util.regex.Pattern.compile(
            "^(?:But|And|So|Or|Yet|However|Therefore|Thus|Hence|This|These|That|Those|It|Its|They|Their|Such|Then|Also|Instead)\\b");

    static boolean leansOnTheSentenceBefore(String sentence) {
        return LEANS_BACK.matcher(sentence).find();
    }

    /** A statement of code ("String back = tok.decode(ids); // ...") or an exercise's task line, not prose that explains. */
    static boolean looksLikeCode(String sentence) {
        return sentence.contains("//") || (sentence.contains(";") && sentence.contains("(") && sentence.contains(" = "))
                || sentence.startsWith("Task:");
    }

    /** Encoded outside the map's lock, so requests encoding different questions do not wait for each other. */
    private float[] questionVector(String question) {
        float[] q = questions.get(question);
        if (q == null) {
            q = encoder.encode(question);
            questions.put(question, q);
        }
        return q;
    }

    private float[] vector(String sentence) {
        float[] v = vectors.get(sentence);
        if (v == null) {
            v = encoder.encode(sentence);
            if (vectors.size() < MAX_CACHED) {
                vectors.put(sentence, v);
            }
        }
        return v;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
