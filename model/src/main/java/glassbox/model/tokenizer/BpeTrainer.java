package glassbox.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import glassbox.model.tokenizer.Vocabulary.Merge;

/**
 * Learns byte-level BPE merges from text, the way GPT-2's tokenizer was trained:
 * <ol>
 *   <li>split every text into pieces with the pre-tokenizer and count each distinct piece;</li>
 *   <li>start every piece as its UTF-8 bytes (ids 0-255);</li>
 *   <li>repeatedly find the most frequent neighbouring pair over all pieces (weighted by how
 *       often each piece occurs), give it a new id, and replace it everywhere;</li>
 *   <li>stop when the vocabulary (bytes + merges + special tokens) has the size asked for.</li>
 * </ol>
 * Special-token spellings in the texts are not learned from. Ties between equally frequent
 * pairs go to the smaller ids, so training is deterministic.
 */
final class BpeTrainer {
    private BpeTrainer() {
    }

    static Vocabulary train(List<String> texts, int vocabSize, BpeTokenizer.Progress progress) {
        int specials = SpecialToken.values().length;
        if (vocabSize < 256 + specials) {
            throw new IllegalArgumentException("vocab size " + vocabSize + " is too small: the 256 bytes and "
                    + specials + " special tokens need at least " + (256 + specials));
        }

        // 1. Count each distinct piece once; merging works on the distinct pieces, weighted.
        Map<String, Integer> pieceCounts = new HashMap<>();
        for (String text : texts) {
            for (String chunk : PreTokenizer.SPECIALS.split(text)) {
                for (String piece : PreTokenizer.split(chunk)) {
                    pieceCounts.merge(piece, 1, Integer::sum);
                }
            }
        }
        List<String> pieces = new ArrayList<>(pieceCounts.keySet());
        pieces.sort(null); // a fixed order keeps training reproducible

        // 2. Every piece starts as its bytes.
        int[][] words = new int[pieces.size()][];
        int[] freq = new int[pieces.size()];
        for (int w = 0; w < words.length; w++) {
            byte[] b = pieces.get(w).getBytes(StandardCharsets.UTF_8);
            words[w] = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                words[w][i] = b[i] & 0xFF;
            }
            freq[w] = pieceCounts.get(pieces.get(w));
        }
        List<byte[]> vocab = new ArrayList<>();
        Map<String, Integer> idOfBytes = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.add(new byte[] {(byte) b});
            idOfBytes.put(ByteLevel.encode(new byte[] {(byte) b}, 0, 1), b);
        }

        // 3. Merge the most frequent pair until the vocabulary is full.
        PairStats stats = new PairStats(words, freq);
        int wanted = vocabSize - specials;
        List<Merge> merges = new ArrayList<>();
        while (vocab.size() < wanted) {
            long best = stats.mostFrequent();
            if (best < 0) {
                throw new IllegalArgumentException("the training text is too small for a vocabulary of " + vocabSize
                        + ": it ran out of pairs at " + (vocab.size() + specials) + " tokens");
            }
            int left = (int) (best >>> 32), right = (int) best;
            byte[] joined = concat(vocab.get(left), vocab.get(right));
            String key = ByteLevel.encode(joined, 0, joined.length);
            // Two different pairs can spell the same bytes ("a"+"bc", "ab"+"c"): they share one id.
            Integer result = idOfBytes.get(key);
            if (result == null) {
                result = vocab.size();
                vocab.add(joined);
                idOfBytes.put(key, result);
            }
            merges.add(new Merge(left, right, merges.size(), result));
            stats.apply(left, right, result);
            if (progress != null) {
                progress.onMerges(vocab.size() - 256, wanted - 256);
            }
        }

        // 4. The special tokens take the last ids.
        byte[][] all = new byte[vocabSize][];
        for (int i = 0; i < vocab.size(); i++) {
            all[i] = vocab.get(i);
        }
        for (SpecialToken t : SpecialToken.values()) {
            all[wanted + t.ordinal()] = Vocabulary.spelling(t);
        }
        return new Vocabulary(all, merges);
    }

    /** Pair counts over the distinct pieces, updated incrementally as merges are applied. */
    private static final class PairStats {
        private final int[][] words;
        private final int[] freq;
        private final Map<Long, long[]> counts = new HashMap<>();
        private final Map<Long, Set<Integer>> where = new HashMap<>();

        PairStats(int[][] words, int[] freq) {
            this.words = words;
            this.freq = freq;
            for (int w = 0; w < words.length; w++) {
                add(w, +1);
            }
        }

        /** Adds (sign +1) or removes (sign -1) the pairs of word w, each weighted by the word's frequency. */
        private void add(int w, int sign) {
            int[] s = words[w];
            for (int i = 0; i + 1 < s.length; i++) {
                long p = Vocabulary.pair(s[i], s[i + 1]);
                counts.computeIfAbsent(p, k -> new long[1])[0] += (long) sign * freq[w];
                if (sign > 0) {
                    where.computeIfAbsent(p, k -> new HashSet<>()).add(w);
                }
            }
        }

        /** The most frequent pair (ties: smallest left id, then right id), or -1 if none is left. */
        long mostFrequent() {
            long best = -1, bestCount = 0;
            for (Map.Entry<Long, long[]> e : counts.entrySet()) {
                long c = e.getValue()[0];
                if (c > bestCount || (c == bestCount && c > 0 && Long.compareUnsigned(e.getKey(), best) < 0)) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            return best;
        }

        /** Replaces the pair (left, right) by {@code result} in every word that has it, and recounts those words. */
        void apply(int left, int right, int result) {
            long p = Vocabulary.pair(left, right);
            Set<Integer> affected = where.remove(p);
            counts.remove(p);
            if (affected == null) {
                return;
            }
            for (int w : affected.stream().sorted().toList()) {
                add(w, -1);
                words[w] = mergeAll(words[w], left, right, result);
                add(w, +1);
            }
            counts.values().removeIf(c -> c[0] <= 0);
        }
    }

    /** The word with every (left, right) replaced by result, left to right. */
    private static int[] mergeAll(int[] s, int left, int right, int result) {
        int[] out = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                out[n++] = result;
                i++;
            } else {
                out[n++] = s[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
