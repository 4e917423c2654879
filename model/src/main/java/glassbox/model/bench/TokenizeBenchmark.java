package glassbox.model.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import glassbox.model.tokenizer.BpeTokenizer;

/**
 * Encoding time of one long word: {@code "attention"} repeated until the text has
 * {@code chars} characters. The pre-tokenizer keeps it one piece, so BPE merges inside a single
 * word of that length (the worst case for a merge loop that rescans the word after each merge).
 */
public final class TokenizeBenchmark {
    private TokenizeBenchmark() {
    }

    public static Map<String, Object> run(BpeTokenizer tokenizer, int chars, int rounds) {
        String word = "attention".repeat(Math.max(1, chars / "attention".length()));
        int[] ids = new int[0];
        long best = Long.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            // Each round's word starts with another letter, so a cached encoding cannot answer.
            String text = (char) ('a' + r % 26) + word.substring(1);
            long t0 = System.nanoTime();
            ids = tokenizer.encode(text);
            best = Math.min(best, System.nanoTime() - t0);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "tokenize");
        out.put("chars", word.length());
        out.put("tokens", ids.length);
        out.put("rounds", rounds);
        out.put("ms", Math.round(best / 1e4) / 1e2);
        out.put("distinct_ids", Arrays.stream(ids).distinct().count());
        return out;
    }
}
