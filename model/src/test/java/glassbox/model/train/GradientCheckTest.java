package glassbox.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Compares the hand-written backward pass with central finite differences of the loss, for
 * sampled entries of every tensor (embedding, every norm, every projection of every layer).
 */
class GradientCheckTest {
    private static final Parallel PAR = new Parallel(2);
    private static final ModelConfig TINY = new ModelConfig(13, 8, 2, 2, 12, 8, 10_000f, 1e-5f);
    private static final int BATCH = 2, SEQ = 6;

    @AfterAll
    static void close() {
        PAR.close();
    }

    @Test
    void everyTensorMatchesFiniteDifferences() {
        Weights w = randomWeights(TINY, 3);
        SplittableRandom random = new SplittableRandom(11);
        int[] inputs = random.ints(BATCH * SEQ, 0, TINY.vocabSize()).toArray();
        int[] targets = random.ints(BATCH * SEQ, 0, TINY.vocabSize()).toArray();
        Transformer model = new Transformer(w, BATCH, SEQ, PAR);

        float[] grad = new float[w.size()];
        model.forward(inputs);
        model.crossEntropy(targets);
        model.backward(grad);

        float eps = 1e-2f;
        int significant = 0;
        for (Weights.Slice s : w.slices) {
            for (int sample = 0; sample < 5; sample++) {
                int i = s.offset() + random.nextInt(s.size());
                if (s == w.embed) {
                    i = s.offset() + inputs[sample] * s.cols() + random.nextInt(s.cols()); // rows that are used
                }
                double numeric = numericGradient(model, w, i, eps, inputs, targets);
                assertThat((double) grad[i])
                        .as("d loss / d %s[%d]", s.name(), i - s.offset())
                        .isCloseTo(numeric, org.assertj.core.data.Offset.offset(3e-4 + 3e-2 * Math.abs(numeric)));
                significant += Math.abs(numeric) > 1e-3 ? 1 : 0;
            }
        }
        // The comparisons mean something only if the loss really moves with the weights.
        assertThat(significant).isGreaterThan(w.slices.size() * 5 / 2);
    }

    @Test
    void ignoredTargetsAddNoLossAndNoGradient() {
        Weights w = randomWeights(TINY, 7);
        SplittableRandom random = new SplittableRandom(13);
        int[] inputs = random.ints(BATCH * SEQ, 0, TINY.vocabSize()).toArray();
        int[] targets = random.ints(BATCH * SEQ, 0, TINY.vocabSize()).toArray();
        int[] masked = targets.clone();
        for (int r = 0; r < masked.length; r += 2) {
            masked[r] = Transformer.IGNORED;   // a prompt token of a chat example
        }
        Transformer model = new Transformer(w, BATCH, SEQ, PAR);
        model.forward(inputs);
        float full = model.crossEntropy(targets);
        float[] grad = new float[w.size()];
        model.forward(inputs);
        float half = model.crossEntropy(masked);
        model.backward(grad);
        assertThat(half).isNotEqualTo(full);
        // The masked loss is the mean over the kept rows only: check it against finite differences.
        float eps = 1e-2f;
        for (Weights.Slice s : List.of(w.slices.get(1), w.slices.get(w.slices.size() - 1))) {
            int i = s.offset() + random.nextInt(s.size());
            double numeric = numericGradient(model, w, i, eps, inputs, masked);
            assertThat((double) grad[i]).as(s.name()).isCloseTo(numeric, org.assertj.core.data.Offset.offset(3e-4 + 3e-2 * Math.abs(numeric)));
        }
        int[] none = new int[BATCH * SEQ];
        java.util.Arrays.fill(none, Transformer.IGNORED);
        model.forward(inputs);
        assertThat(model.crossEntropy(none)).isZero();
        float[] zero = new float[w.size()];
        model.backward(zero);
        for (float g : zero) {
            assertThat(g).isZero();
        }
    }

    @Test
    void outputHeadGradientAlsoReachesUnusedEmbeddingRows() {
        // Tied head: every vocabulary row gets a gradient through the softmax, even tokens never input.
        Weights w = randomWeights(TINY, 5);
        int[] inputs = new int[BATCH * SEQ];          // only token 0 as input
        int[] targets = new int[BATCH * SEQ];
        java.util.Arrays.fill(targets, 1);
        Transformer model = new Transformer(w, BATCH, SEQ, PAR);
        float[] grad = new float[w.size()];
        model.forward(inputs);
        model.crossEntropy(targets);
        model.backward(grad);
        int row12 = w.embed.offset() + 12 * w.embed.cols();
        float norm = 0;
        for (int j = 0; j < w.embed.cols(); j++) {
            norm += Math.abs(grad[row12 + j]);
        }
        assertThat(norm).isGreaterThan(0f);
    }

    /** d loss / d w[i] by central differences. */
    static double numericGradient(Transformer model, Weights w, int i, float eps, int[] inputs, int[] targets) {
        float saved = w.data[i];
        w.data[i] = saved + eps;
        model.forward(inputs);
        double plus = model.crossEntropy(targets);
        w.data[i] = saved - eps;
        model.forward(inputs);
        double minus = model.crossEntropy(targets);
        w.data[i] = saved;
        return (plus - minus) / (2 * eps);
    }

    static Weights randomWeights(ModelConfig config, long seed) {
        Weights w = new Weights(config);
        SplittableRandom random = new SplittableRandom(seed);
        for (Weights.Slice s : w.slices) {
            for (int i = s.offset(); i < s.offset() + s.size(); i++) {
                w.data[i] = s.rows() == 1 ? (float) (1 + 0.2 * random.nextGaussian()) : (float) (0.4 * random.nextGaussian());
            }
        }
        return w;
    }
}
