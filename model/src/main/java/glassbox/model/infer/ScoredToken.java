package glassbox.model.infer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import glassbox.model.math.Softmax;

/** A token with its raw logit and its softmax probability over the whole vocabulary. */
public record ScoredToken(int id, String text, float logit, float prob) {

    /** The {@code n} highest-scoring tokens of {@code logits}, best first. */
    public static List<ScoredToken> top(float[] logits, int n, IntFunction<String> text) {
        int[] order = Sampler.descendingOrder(logits);
        double[] probs = Softmax.withTemperature(logits, logits[order[0]], 1f);
        List<ScoredToken> out = new ArrayList<>();
        for (int r = 0; r < Math.min(n, logits.length); r++) {
            int id = order[r];
            out.add(new ScoredToken(id, text.apply(id), logits[id], (float) probs[id]));
        }
        return out;
    }
}
