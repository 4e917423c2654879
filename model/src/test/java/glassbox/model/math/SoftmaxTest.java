package glassbox.model.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SoftmaxTest {
    @Test
    void rowMatchesTheDefinitionAndLeavesTheRestOfTheArrayAlone() {
        float[] x = {9f, 1f, 2f, 3f, 9f};
        Softmax.inPlace(x, 1, 3, 0.5f);
        double z = Math.exp(0.5) + Math.exp(1.0) + Math.exp(1.5);
        assertThat(x[1]).isCloseTo((float) (Math.exp(0.5) / z), within(1e-6f));
        assertThat(x[2]).isCloseTo((float) (Math.exp(1.0) / z), within(1e-6f));
        assertThat(x[3]).isCloseTo((float) (Math.exp(1.5) / z), within(1e-6f));
        assertThat(x[0]).isEqualTo(9f);
        assertThat(x[4]).isEqualTo(9f);
    }

    @Test
    void largeLogitsDoNotOverflowAndMinusInfinityIsExactlyZero() {
        float[] p = Softmax.of(new float[] {1000f, 1000f, Float.NEGATIVE_INFINITY});
        assertThat(p).containsExactly(0.5f, 0.5f, 0f);
        double[] d = Softmax.withTemperature(new float[] {3f, 1f, Float.NEGATIVE_INFINITY}, 3f, 1e-6f);
        assertThat(d).containsExactly(1.0, 0.0, 0.0);
    }

    @Test
    void logNormalizerGivesTheLogProbabilities() {
        float[] x = {0.3f, -1.2f, 2.5f};
        float[] p = Softmax.of(x);
        double logZ = Softmax.logNormalizer(x, 2.5f);
        for (int i = 0; i < x.length; i++) {
            assertThat(Math.exp(x[i] - 2.5 - logZ)).isCloseTo(p[i], within(1e-6));
        }
    }
}
