package glassbox.model.infer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** A token with its raw logit and its softmax probability over the whole vocabulary. */
public record ScoredToken(int id, String text, float logit, float prob) {

    /** The {@code n} highest-scoring tokens of {@code logits}, best first. */
    public static List<ScoredToken> top(float[] logits, int n, IntFunction<String> text) {
        int[] order = Sampler.descendingOrder(logits);
        double max = logits[order[0]];
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        List<ScoredToken> out = new ArrayList<>();
        for (int r = 0; r < Math.min(n, logits.length); r++) {
            int id = order[r];
            out.add(new ScoredToken(id, text.apply(id), logits[id], (float) (Math.exp(logits[id] - max) / sum)));
        }
        return out;
    }
}
