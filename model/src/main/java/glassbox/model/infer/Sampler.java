package glassbox.model.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import glassbox.model.math.Softmax;

/**
 * Chooses the next token from raw logits. The filters apply in this order (see
 * {@link SamplingParams#FILTER_ORDER}):
 * <ol>
 *   <li>logit bias: {@code logit += bias[id]};</li>
 *   <li>repetition penalty (CTRL): a seen token's logit is divided by the penalty if positive,
 *       multiplied if negative;</li>
 *   <li>presence and frequency penalties (OpenAI): {@code logit -= presence·[count>0] + frequency·count};</li>
 *   <li>constraints: a token the generation's {@link glassbox.model.infer.constraint.Constraint} does not allow
 *       (grounding to the retrieved passages, a JSON schema) gets {@code -∞}, so it cannot be drawn;</li>
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
        return next(logits, counts, null);
    }

    /**
     * @param allowed the constraint stage's allowed tokens, or null for none; must not be empty
     */
    public SamplingStep next(float[] logits, int[] counts, BitSet allowed) {
        int v = logits.length;
        float[] biased = adjust(logits, counts);
        // If the bias banned every token, ignore it rather than divide by zero.
        float[] adjusted = allBanned(biased) ? logits.clone() : biased;
        float t = params.isGreedy() ? 1f : params.temperature();
        // The model's distribution (after penalties and temperature): what probabilities and entropy report.
        TokenRanking modelOrder = new TokenRanking(adjusted);
        double[] modelProbs = Softmax.withTemperature(adjusted, adjusted[modelOrder.id(0)], t);
        double entropy = 0;
        for (double p : modelProbs) {
            if (p > 0) {
                entropy -= p * Math.log(p);
            }
        }

        // Constraint stage: tokens that would break the constraint cannot be drawn.
        float[] constrained = allowed == null ? adjusted : constrain(adjusted, logits, allowed);
        TokenRanking order = allowed == null ? modelOrder : new TokenRanking(constrained);
        double[] probs = allowed == null ? modelProbs : Softmax.withTemperature(constrained, constrained[order.id(0)], t);
        int cut = allowed == null ? 0 : v - allowed.cardinality();

        // Truncation: count how many of the ranked candidates survive each filter (ranks are sorted
        // only as far as a filter looks).
        int keepK = params.topK() > 0 ? Math.min(params.topK(), v) : v;
        if (keepK < v) {
            order.id(keepK - 1);
        }
        int keepP = keepK;
        if (params.topP() < 1f) {
            double mass = 0;
            for (int r = 0; r < keepK; r++) {
                mass += probs[order.id(r)];
                if (mass >= params.topP()) {
                    keepP = r + 1;
                    break;
                }
            }
        }
        double minProb = params.minP() * probs[order.id(0)];
        int keep = 0;
        while (keep < keepP && probs[order.id(keep)] >= minProb && probs[order.id(keep)] > 0) {
            keep++;
        }
        keep = Math.max(1, keep);

        int chosen;
        double draw = Double.NaN;
        double keptMass = 0;
        for (int r = 0; r < keep; r++) {
            keptMass += probs[order.id(r)];
        }
        if (params.isGreedy()) {
            chosen = order.id(0);
        } else {
            draw = random.nextDouble();
            double target = draw * keptMass;
            double acc = 0;
            chosen = order.id(keep - 1);
            for (int r = 0; r < keep; r++) {
                acc += probs[order.id(r)];
                if (acc > target) {
                    chosen = order.id(r);
                    break;
                }
            }
        }

        // Traced candidates: the model's favourites, plus (under a constraint) the best allowed ones.
        int shown = Math.min(traceCandidates, v);
        LinkedHashSet<Integer> ids = new LinkedHashSet<>();
        for (int r = 0; r < shown; r++) {
            ids.add(modelOrder.id(r));
        }
        if (allowed != null) {
            for (int r = 0; r < shown && probs[order.id(r)] > 0; r++) {
                ids.add(order.id(r));
            }
        }
        List<Candidate> candidates = new ArrayList<>(ids.size());
        for (int id : ids) {
            boolean ok = allowed == null || allowed.get(id);
            // Ranks are sorted at least through keepK and keepP (the filters looked that far), so a
            // token not among them ranks below both.
            int r = order.sortedRankOf(id);
            boolean inK = keepK == v || r >= 0 && r < keepK;
            boolean inP = keepP == v || r >= 0 && r < keepP;
            candidates.add(new Candidate(id, logits[id], (float) modelProbs[id], ok, ok && inK, ok && inP,
                    ok && (probs[id] >= minProb || r == 0)));
        }
        candidates.sort((a, b) -> Float.compare(b.prob(), a.prob()));
        return new SamplingStep(chosen, (float) modelProbs[chosen], (float) Math.log(Math.max(modelProbs[chosen], Double.MIN_NORMAL)),
                (float) entropy, (float) (probs[chosen] / keptMass), draw, keep, cut, List.copyOf(candidates));
    }

    /**
     * Step 4: every token outside {@code allowed} gets minus infinity. If the bias had banned all
     * the allowed tokens, they keep their raw logits: the constraint outranks the bias.
     */
    private static float[] constrain(float[] adjusted, float[] raw, BitSet allowed) {
        float[] out = new float[adjusted.length];
        Arrays.fill(out, Float.NEGATIVE_INFINITY);
        boolean any = false;
        for (int id = allowed.nextSetBit(0); id >= 0 && id < out.length; id = allowed.nextSetBit(id + 1)) {
            out[id] = adjusted[id];
            any |= adjusted[id] != Float.NEGATIVE_INFINITY;
        }
        if (!any) {
            for (int id = allowed.nextSetBit(0); id >= 0 && id < out.length; id = allowed.nextSetBit(id + 1)) {
                out[id] = raw[id];
            }
        }
        return out;
    }

    private static boolean allBanned(float[] a) {
        for (float x : a) {
            if (x != Float.NEGATIVE_INFINITY) {
                return false;
            }
        }
        return true;
    }

    /** Token ids by logit, highest first, ties by lower id: the whole {@link TokenRanking}. */
    static int[] descendingOrder(float[] logits) {
        TokenRanking ranking = new TokenRanking(logits);
        int[] order = new int[logits.length];
        for (int r = 0; r < order.length; r++) {
            order[r] = ranking.id(r);
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
