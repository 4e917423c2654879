package glassbox.model.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Chooses the next token from raw logits. The filters apply in this order (see
 * {@link SamplingParams#FILTER_ORDER}):
 * <ol>
 *   <li>logit bias: {@code logit += bias[id]};</li>
 *   <li>repetition penalty (CTRL): a seen token's logit is divided by the penalty if positive,
 *       multiplied if negative;</li>
 *   <li>presence and frequency penalties (OpenAI): {@code logit -= presence·[count>0] + frequency·count};</li>
 *   <li>temperature: {@code logit / T} (T = 0: greedy, the highest logit wins, no draw);</li>
 *   <li>softmax over the whole vocabulary (this distribution gives the reported probabilities);</li>
 *   <li>top-k: keep the k most probable;</li>
 *   <li>top-p: of those, keep the smallest prefix whose probability mass reaches p;</li>
 *   <li>min-p: drop tokens less probable than {@code minP · pmax};</li>
 *   <li>renormalise the survivors and draw with a uniform number from the seeded generator.</li>
 * </ol>
 * One sampler belongs to one generation: its random generator is seeded once, so the same seed
 * and prompt give the same tokens on every run.
 */
public final class Sampler {
    private final SamplingParams params;
    private final SplittableRandom random;
    private final int traceCandidates;

    public Sampler(SamplingParams params, int traceCandidates) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
        this.traceCandidates = traceCandidates;
    }

    /**
     * @param logits raw logits (not modified)
     * @param counts how often each token id already appeared (prompt and output), for penalties
     */
    public SamplingStep next(float[] logits, int[] counts) {
        int v = logits.length;
        float[] biased = adjust(logits, counts);
        // If the bias banned every token, ignore it rather than divide by zero.
        float[] adjusted = allBanned(biased) ? logits.clone() : biased;
        int[] order = descendingOrder(adjusted);

        float t = params.isGreedy() ? 1f : params.temperature();
        double max = adjusted[order[0]] / t;
        double[] probs = new double[v];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            double e = adjusted[i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(adjusted[i] / t - max);
            probs[i] = e;
            sum += e;
        }
        double entropy = 0;
        for (int i = 0; i < v; i++) {
            probs[i] /= sum;
            if (probs[i] > 0) {
                entropy -= probs[i] * Math.log(probs[i]);
            }
        }

        // Truncation: count how many of the sorted candidates survive each filter.
        int keepK = params.topK() > 0 ? Math.min(params.topK(), v) : v;
        int keepP = keepK;
        if (params.topP() < 1f) {
            double mass = 0;
            for (int r = 0; r < keepK; r++) {
                mass += probs[order[r]];
                if (mass >= params.topP()) {
                    keepP = r + 1;
                    break;
                }
            }
        }
        double minProb = params.minP() * probs[order[0]];
        int keep = 0;
        while (keep < keepP && probs[order[keep]] >= minProb) {
            keep++;
        }
        keep = Math.max(1, keep);

        int chosen;
        double draw = Double.NaN;
        double keptMass = 0;
        for (int r = 0; r < keep; r++) {
            keptMass += probs[order[r]];
        }
        if (params.isGreedy()) {
            chosen = order[0];
        } else {
            draw = random.nextDouble();
            double target = draw * keptMass;
            double acc = 0;
            chosen = order[keep - 1];
            for (int r = 0; r < keep; r++) {
                acc += probs[order[r]];
                if (acc > target) {
                    chosen = order[r];
                    break;
                }
            }
        }

        List<Candidate> candidates = new ArrayList<>(Math.min(traceCandidates, v));
        for (int r = 0; r < Math.min(traceCandidates, v); r++) {
            int id = order[r];
            candidates.add(new Candidate(id, logits[id], (float) probs[id], r < keepK, r < keepP,
                    probs[id] >= minProb || r == 0));
        }
        float p = (float) probs[chosen];
        return new SamplingStep(chosen, p, (float) Math.log(Math.max(probs[chosen], Double.MIN_NORMAL)), (float) entropy,
                (float) (probs[chosen] / keptMass), draw, keep, List.copyOf(candidates));
    }

    private static boolean allBanned(float[] a) {
        for (float x : a) {
            if (x != Float.NEGATIVE_INFINITY) {
                return false;
            }
        }
        return true;
    }

    /**
     * Token ids by logit, highest first, ties by lower id. Each (logit, id) pair is packed into
     * one long whose natural order is the wanted order, so a primitive sort does it without boxing.
     */
    static int[] descendingOrder(float[] logits) {
        long[] keys = new long[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
            keys[i] = ((long) ~ascending << 32) | i;
        }
        java.util.Arrays.sort(keys);
        int[] order = new int[logits.length];
        for (int r = 0; r < order.length; r++) {
            order[r] = (int) keys[r];
        }
        return order;
    }

    /** Steps 1-3: bias and penalties on a copy of the logits. */
    float[] adjust(float[] logits, int[] counts) {
        float[] out = logits.clone();
        for (Map.Entry<Integer, Float> bias : params.logitBias().entrySet()) {
            int id = bias.getKey();
            if (id >= 0 && id < out.length) {
                out[id] = bias.getValue() <= -100f ? Float.NEGATIVE_INFINITY : out[id] + bias.getValue();
            }
        }
        if (counts != null) {
            for (int id = 0; id < out.length; id++) {
                int n = counts[id];
                if (n == 0 || out[id] == Float.NEGATIVE_INFINITY) {
                    continue;
                }
                if (params.repetitionPenalty() != 1f) {
                    out[id] = out[id] > 0 ? out[id] / params.repetitionPenalty() : out[id] * params.repetitionPenalty();
                }
                out[id] -= params.presencePenalty() + params.frequencyPenalty() * n;
            }
        }
        return out;
    }
}
