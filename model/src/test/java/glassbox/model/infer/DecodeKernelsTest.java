package glassbox.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The decode kernels against plain loops, on sizes that are not multiples of the vector length
 * (their lane-by-lane tails) as well as sizes that are.
 */
class DecodeKernelsTest {
    static final Random R = new Random(3);

    static float[] random(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) R.nextGaussian();
        }
        return x;
    }

    @Test
    void matMulIsEachRowTimesTheMatrix() {
        // outputs not a multiple of the panel (or the vector): narrow last panels; batch 3 and 5: a row without a partner
        for (int[] shape : new int[][] {{5, 13, 3}, {8, 16, 2}, {7, 40, 3}, {1, 3, 1}, {64, 72, 5}, {16, 2 * DecodeKernels.PANEL, 4}}) {
            int in = shape[0], out = shape[1], batch = shape[2];
            float[] w = random(out * in);   // Hugging Face's [out][in]
            float[][] x = new float[batch][], y = new float[batch][out];
            for (int b = 0; b < batch; b++) {
                x[b] = random(in);
            }
            DecodeKernels.matMul(DecodeKernels.pack(w, out, in), x, batch, y, 0, out, in, out);
            for (int b = 0; b < batch; b++) {
                for (int o = 0; o < out; o++) {
                    double sum = 0;
                    for (int i = 0; i < in; i++) {
                        sum += x[b][i] * w[o * in + i];
                    }
                    assertThat((double) y[b][o]).as("%dx%d batch %d row %d output %d", in, out, batch, b, o).isCloseTo(sum, within(1e-4));
                }
            }
        }
    }

    @Test
    void aRowsProductIsTheSameBitsInAnyBatchAndAnySplit() {
        int in = 48, out = 2 * DecodeKernels.PANEL + DecodeKernels.L + 5;   // whole panels, then a narrow one: a vector and lanes
        float[] w = DecodeKernels.pack(random(out * in), out, in);
        float[][] x = new float[5][];
        for (int b = 0; b < x.length; b++) {
            x[b] = random(in);
        }
        float[][] together = new float[5][out];
        DecodeKernels.matMul(w, x, 5, together, 0, DecodeKernels.PANEL, in, out);   // split as two threads would
        DecodeKernels.matMul(w, x, 5, together, DecodeKernels.PANEL, out, in, out);
        for (int b = 0; b < x.length; b++) {
            float[][] alone = new float[1][out];
            DecodeKernels.matMul(w, new float[][] {x[b]}, 1, alone, 0, out, in, out);
            assertThat(together[b]).as("row %d", b).containsExactly(alone[0]);
        }
    }

    @Test
    void theLaneSumIsTheSameInEveryJitTierBecauseItsOrderIsFixed() {
        float[] v = random(DecodeKernels.L);
        // halves added pairwise: the order the kernel documents, written out with scalars
        float[] t = v.clone();
        for (int width = DecodeKernels.L / 2; width >= 1; width /= 2) {
            float[] next = new float[DecodeKernels.L];
            for (int i = 0; i < DecodeKernels.L; i++) {
                next[i] = t[i] + t[(i + width) % DecodeKernels.L];
            }
            t = next;
        }
        assertThat(DecodeKernels.sum(jdk.incubator.vector.FloatVector.fromArray(DecodeKernels.S, v, 0))).isEqualTo(t[0]);
    }

    @Test
    void scoresAndWeightedSumFollowTheirDefinitions() {
        for (int[] shape : new int[][] {{7, 13}, {9, 16}, {4, 32}, {1, 5}}) {
            int count = shape[0], n = shape[1], rowFloats = 3 * n + 2, offset = n + 1;
            float[] keys = random(count * rowFloats), values = random(count * rowFloats), q = random(n + 3);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment k = segment(arena, keys), v = segment(arena, values);
                long stride = (long) rowFloats * Float.BYTES, at = (long) offset * Float.BYTES;
                float[] att = new float[count + 2];
                DecodeKernels.scores(q, 3, k, at, stride, count, n, 0.5f, att, 2);
                for (int t = 0; t < count; t++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += q[3 + i] * keys[t * rowFloats + offset + i];
                    }
                    assertThat((double) att[2 + t]).as("score %d of %d (n %d)", t, count, n).isCloseTo(0.5 * dot, within(1e-4));
                }
                float[] out = random(n + 1), before = out.clone();
                DecodeKernels.weightedSum(att, 2, v, at, stride, count, n, out, 1);
                for (int i = 0; i < n; i++) {
                    double sum = before[1 + i];
                    for (int t = 0; t < count; t++) {
                        sum += att[2 + t] * values[t * rowFloats + offset + i];
                    }
                    assertThat((double) out[1 + i]).as("output %d (count %d, n %d)", i, count, n).isCloseTo(sum, within(1e-4));
                }
                assertThat(out[0]).isEqualTo(before[0]);
            }
        }
    }

    @Test
    void softmaxRmsNormAndSwiGluFollowTheirDefinitions() {
        for (int n : new int[] {5, 16, 37}) {
            float[] x = random(n), p = x.clone();
            DecodeKernels.softmax(p, n);
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (float v : x) {
                max = Math.max(max, v);
            }
            for (float v : x) {
                z += Math.exp(v - max);
            }
            float[] w = random(n), normed = new float[n];
            DecodeKernels.rmsNorm(x, w, 1e-5f, normed, n);
            double ms = 0;
            for (float v : x) {
                ms += v * v;
            }
            double inv = 1 / Math.sqrt(ms / n + 1e-5);
            float[] gate = x.clone(), up = w.clone();
            DecodeKernels.siluMul(gate, up, n);
            for (int i = 0; i < n; i++) {
                assertThat((double) p[i]).isCloseTo(Math.exp(x[i] - max) / z, within(1e-6));
                assertThat((double) normed[i]).isCloseTo(x[i] * inv * w[i], within(1e-5));
                assertThat((double) gate[i]).isCloseTo(x[i] / (1 + Math.exp(-x[i])) * w[i], within(1e-5));
            }
        }
    }

    @Test
    void expIsWithinAFewUlpsOfMathExpAndClampsOutsideTheFloatRange() {
        float[] x = new float[64 * DecodeKernels.L];
        for (int i = 0; i < x.length; i++) {
            x[i] = -90f + 180f * i / x.length;   // past both clamps
        }
        x[0] = 0f;
        float[] e = new float[x.length];
        for (int i = 0; i < x.length; i += DecodeKernels.L) {
            DecodeKernels.exp(jdk.incubator.vector.FloatVector.fromArray(DecodeKernels.S, x, i)).intoArray(e, i);
        }
        assertThat(e[0]).isEqualTo(1f);
        for (int i = 0; i < x.length; i++) {
            double expected = Math.exp(Math.max(-87, Math.min(88, x[i])));
            assertThat((double) e[i]).as("e^%s", x[i]).isCloseTo(expected, within(expected * 5e-7));
        }
    }

    static MemorySegment segment(Arena arena, float[] data) {
        MemorySegment s = arena.allocate((long) data.length * Float.BYTES, 64);
        MemorySegment.copy(data, 0, s, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, data.length);
        return s;
    }
}
