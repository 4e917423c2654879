package glassbox.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SamplerTest {
    /** Logits whose softmax (T = 1) is exactly {0.5, 0.2, 0.15, 0.1, 0.05}. */
    private static final float[] FIVE = logitsOf(0.5, 0.2, 0.15, 0.1, 0.05);

    private static float[] logitsOf(double... probs) {
        float[] l = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            l[i] = (float) Math.log(probs[i]);
        }
        return l;
    }

    private static SamplingParams params(float t, int k, float p, float minP, long seed) {
        return new SamplingParams(t, k, p, minP, 1f, 0f, 0f, Map.of(), seed);
    }

    @Test
    void greedyTakesTheLargestLogitAndDrawsNothing() {
        SamplingStep step = new Sampler(SamplingParams.greedy(), 5).next(new float[]{0.1f, 3f, -1f, 2.9f}, null);
        assertThat(step.tokenId()).isEqualTo(1);
        assertThat(Double.isNaN(step.draw())).isTrue();
    }

    @Test
    void reportedProbabilitiesAreTheSoftmaxAtTheTemperature() {
        float[] logits = {2f, 1f, 0f};
        SamplingStep step = new Sampler(params(0.5f, 0, 1f, 0f, 1), 3).next(logits, null);
        double z = Math.exp(4) + Math.exp(2) + Math.exp(0);   // logits / 0.5
        assertThat(step.candidates()).extracting(Candidate::id).containsExactly(0, 1, 2);
        assertThat((double) step.candidates().get(0).prob()).isCloseTo(Math.exp(4) / z, offset(1e-6));
        assertThat((double) step.candidates().get(2).prob()).isCloseTo(1 / z, offset(1e-6));
        double entropy = 0;
        for (double e : new double[]{Math.exp(4) / z, Math.exp(2) / z, 1 / z}) {
            entropy -= e * Math.log(e);
        }
        assertThat((double) step.entropy()).isCloseTo(entropy, offset(1e-5));
    }

    @Test
    void aTemperatureTooSmallForFloatDivisionActsGreedyWithFiniteNumbers() {
        for (float t : new float[] {1e-40f, Float.MIN_VALUE, 1e-30f}) {
            SamplingStep step = new Sampler(params(t, 0, 1f, 0f, 1), 5).next(new float[]{0.1f, 3f, -1f, 2.9f}, null);
            assertThat(step.tokenId()).as("T=%s", t).isEqualTo(1);
            assertThat(step.logprob()).as("T=%s", t).isFinite().isEqualTo(0f);
            assertThat(step.prob()).isEqualTo(1f);
            assertThat(step.entropy()).isFinite();
            assertThat(step.sampledProb()).isFinite();
            for (Candidate c : step.candidates()) {
                assertThat(c.prob()).as("T=%s", t).isFinite();
            }
        }
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingP() {
        // 0.5 + 0.2 = 0.7 < 0.8, + 0.15 = 0.85 >= 0.8: three survive.
        SamplingStep step = new Sampler(params(1f, 0, 0.8f, 0f, 1), 5).next(FIVE, null);
        assertThat(step.survivors()).isEqualTo(3);
        assertThat(step.candidates()).extracting(Candidate::keptByTopP).containsExactly(true, true, true, false, false);
        assertThat(new Sampler(params(1f, 0, 0.4f, 0f, 1), 5).next(FIVE, null).survivors()).isEqualTo(1);
    }

    @Test
    void topKThenTopPThenMinP() {
        assertThat(new Sampler(params(1f, 2, 1f, 0f, 1), 5).next(FIVE, null).survivors()).isEqualTo(2);
        // min-p 0.25: threshold 0.25 * 0.5 = 0.125 keeps 0.5, 0.2, 0.15.
        SamplingStep minP = new Sampler(params(1f, 0, 1f, 0.25f, 1), 5).next(FIVE, null);
        assertThat(minP.survivors()).isEqualTo(3);
        assertThat(minP.candidates()).extracting(Candidate::keptByMinP).containsExactly(true, true, true, false, false);
    }

    @Test
    void onlySurvivorsAreEverDrawnAndFrequenciesFollowTheRenormalisedMass() {
        Sampler sampler = new Sampler(params(1f, 0, 0.8f, 0f, 42), 0);
        int[] hits = new int[5];
        int n = 40_000;
        for (int i = 0; i < n; i++) {
            hits[sampler.next(FIVE, null).tokenId()]++;
        }
        assertThat(hits[3] + hits[4]).isZero();
        assertThat(hits[0] / (double) n).isCloseTo(0.5 / 0.85, offset(0.01));
        assertThat(hits[1] / (double) n).isCloseTo(0.2 / 0.85, offset(0.01));
        assertThat(hits[2] / (double) n).isCloseTo(0.15 / 0.85, offset(0.01));
    }

    @Test
    void sameSeedSameTokensOtherSeedOtherTokens() {
        int[] a = draws(7), b = draws(7), c = draws(8);
        assertThat(a).isEqualTo(b);
        assertThat(c).isNotEqualTo(a);
    }

    private static int[] draws(long seed) {
        Sampler s = new Sampler(params(1f, 0, 1f, 0f, seed), 0);
        int[] out = new int[50];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.next(FIVE, null).tokenId();
        }
        return out;
    }

    @Test
    void penaltiesAndBias() {
        SamplingParams p = new SamplingParams(1f, 0, 1f, 0f, 2f, 0.5f, 0.25f, Map.of(3, 1.5f, 4, -100f), 1);
        float[] adjusted = new Sampler(p, 0).adjust(new float[]{2f, -2f, 1f, 0f, 5f}, new int[]{1, 2, 0, 0, 0});
        assertThat(adjusted[0]).isCloseTo(2f / 2f - 0.5f - 0.25f, offset(1e-6f));       // repetition, presence, 1 x frequency
        assertThat(adjusted[1]).isCloseTo(-2f * 2f - 0.5f - 0.5f, offset(1e-6f));       // negative logits grow more negative
        assertThat(adjusted[2]).isEqualTo(1f);                                           // unseen: untouched
        assertThat(adjusted[3]).isEqualTo(1.5f);                                         // bias
        assertThat(adjusted[4]).isEqualTo(Float.NEGATIVE_INFINITY);                      // -100 bans
        Set<Integer> seen = new HashSet<>();
        Sampler s = new Sampler(new SamplingParams(5f, 0, 1f, 0f, 1f, 0f, 0f, Map.of(4, -100f), 3), 0);
        for (int i = 0; i < 500; i++) {
            seen.add(s.next(new float[]{0f, 0f, 0f, 0f, 9f}, null).tokenId());
        }
        assertThat(seen).doesNotContain(4).hasSize(4);
    }

    @Test
    void invalidParametersAreRejected() {
        assertThatThrownBy(() -> params(-1f, 0, 1f, 0f, 1)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> params(1f, 0, 0f, 0f, 1)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> params(1f, 0, 1f, 2f, 1)).hasMessageContaining("min_p");
    }

    @Test
    void theConstraintStageCutsTokensBeforeTemperatureAndTruncation() {
        java.util.BitSet allowed = new java.util.BitSet();
        allowed.set(2);
        allowed.set(4);
        for (long seed = 0; seed < 50; seed++) {
            SamplingStep step = new Sampler(params(1.5f, 1, 1f, 0f, seed), 5).next(FIVE, null, allowed);
            // top-k 1 keeps the best *allowed* token: the constraint comes first.
            assertThat(step.tokenId()).isEqualTo(2);
            assertThat(step.constraintCut()).isEqualTo(3);
            assertThat(step.sampledProb()).isEqualTo(1f);
        }
        SamplingStep step = new Sampler(params(1f, 0, 1f, 0f, 3), 5).next(FIVE, null, allowed);
        assertThat(step.candidates()).hasSize(5);
        for (Candidate c : step.candidates()) {
            assertThat(c.allowed()).as("candidate %d", c.id()).isEqualTo(c.id() == 2 || c.id() == 4);
            assertThat(c.survived()).isEqualTo(c.allowed());
        }
        // Probabilities stay the model's own: token 0 keeps its 0.5 though it was cut.
        assertThat(step.candidates().getFirst().id()).isZero();
        assertThat(step.candidates().getFirst().prob()).isCloseTo(0.5f, offset(1e-6f));
        // Drawn among the allowed: 0.15 / (0.15 + 0.05) of the time token 2.
        int twos = 0;
        for (long seed = 0; seed < 2000; seed++) {
            twos += new Sampler(params(1f, 0, 1f, 0f, seed), 5).next(FIVE, null, allowed).tokenId() == 2 ? 1 : 0;
        }
        assertThat(twos / 2000.0).isCloseTo(0.75, offset(0.04));
    }
}
