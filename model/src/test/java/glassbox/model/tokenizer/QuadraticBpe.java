package glassbox.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import glassbox.model.tokenizer.Vocabulary.Merge;

/**
 * The encoder as it was before the priority queue, kept as the tests' reference: after every
 * merge it rescans the whole piece for the lowest-ranked pair (the leftmost one among equals).
 * Obviously right and O(n²) per piece: one 99 KB word took minutes.
 */
final class QuadraticBpe {
    private static final Pattern SPLIT = Pattern.compile(BpeTokenizer.SPLIT_REGEX);

    private final Vocabulary vocab;

    QuadraticBpe(BpeTokenizer tokenizer) {
        this.vocab = tokenizer.vocabulary();
    }

    int[] encode(String text) {
        IntStream.Builder out = IntStream.builder();
        Matcher m = SPLIT.matcher(text);
        while (m.find()) {
            for (int id : encodePiece(m.group().getBytes(StandardCharsets.UTF_8))) {
                out.add(id);
            }
        }
        return out.build().toArray();
    }

    int[] encodePiece(byte[] b) {
        int[] ids = new int[b.length];
        int n = b.length;
        for (int i = 0; i < n; i++) {
            ids[i] = b[i] & 0xFF;
        }
        while (n > 1) {
            int bestAt = -1;
            Merge best = null;
            for (int i = 0; i + 1 < n; i++) {
                Merge mg = vocab.mergeOf(ids[i], ids[i + 1]);
                if (mg != null && (best == null || mg.rank() < best.rank())) {
                    best = mg;
                    bestAt = i;
                }
            }
            if (best == null) {
                break;
            }
            ids[bestAt] = best.result();
            System.arraycopy(ids, bestAt + 2, ids, bestAt + 1, n - bestAt - 2);
            n--;
        }
        return Arrays.copyOf(ids, n);
    }
}
