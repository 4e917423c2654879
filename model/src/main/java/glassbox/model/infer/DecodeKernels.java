package glassbox.model.infer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels of one decoding step (batch 1), on plain float arrays: matrix-vector products,
 * RMSNorm, SwiGLU, softmax, and the attention dot products over jlama's KV pages.
 * They do what llama2.c's {@code run.c} does in C, with the Vector API: one pass over each
 * weight matrix per token, no per-call allocation, no thread hand-off.
 */
final class DecodeKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private DecodeKernels() {
    }

    /**
     * y[r] = W[r,:] · x for r in [0, rows): W is row-major {@code [rows][cols]} (Hugging Face's
     * {@code [out][in]} layout). Four rows per pass share each load of x and keep four
     * independent FMA chains in flight.
     */
    static void matVec(float[] w, float[] x, float[] y, int rows, int cols) {
        matVec(w, x, y, 0, rows, cols);
    }

    /** {@link #matVec(float[], float[], float[], int, int)} for rows [rowFrom, rowTo) only. */
    static void matVec(float[] w, float[] x, float[] y, int rowFrom, int rowTo, int cols) {
        int bound = S.loopBound(cols);
        int r = rowFrom;
        for (; r + 4 <= rowTo; r += 4) {
            int o0 = r * cols;
            int o1 = o0 + cols;
            int o2 = o1 + cols;
            int o3 = o2 + cols;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            for (int k = 0; k < bound; k += L) {
                FloatVector xv = FloatVector.fromArray(S, x, k);
                a0 = FloatVector.fromArray(S, w, o0 + k).fma(xv, a0);
                a1 = FloatVector.fromArray(S, w, o1 + k).fma(xv, a1);
                a2 = FloatVector.fromArray(S, w, o2 + k).fma(xv, a2);
                a3 = FloatVector.fromArray(S, w, o3 + k).fma(xv, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            float s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD);
            float s3 = a3.reduceLanes(VectorOperators.ADD);
            for (int k = bound; k < cols; k++) {
                s0 += w[o0 + k] * x[k];
                s1 += w[o1 + k] * x[k];
                s2 += w[o2 + k] * x[k];
                s3 += w[o3 + k] * x[k];
            }
            y[r] = s0;
            y[r + 1] = s1;
            y[r + 2] = s2;
            y[r + 3] = s3;
        }
        for (; r < rowTo; r++) {
            y[r] = dot(w, r * cols, x, 0, cols);
        }
    }

    /** x[xo..xo+n) · y[yo..yo+n). */
    static float dot(float[] x, int xo, float[] y, int yo, int n) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) {
            acc = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (int i = bound; i < n; i++) {
            sum += x[xo + i] * y[yo + i];
        }
        return sum;
    }

    /** out = x / rms(x) * weight, with rms(x) = sqrt(mean(x²) + eps); shapes [n]. */
    static void rmsNorm(float[] x, float[] weight, float eps, float[] out, int n) {
        float scale = (float) (1.0 / Math.sqrt(dot(x, 0, x, 0, n) / n + eps));
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, x, i).mul(scale).mul(FloatVector.fromArray(S, weight, i)).intoArray(out, i);
        }
        for (int i = bound; i < n; i++) {
            out[i] = x[i] * scale * weight[i];
        }
    }

    /** x += y; shapes [n]. */
    static void add(float[] x, float[] y, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, x, i).add(FloatVector.fromArray(S, y, i)).intoArray(x, i);
        }
        for (int i = bound; i < n; i++) {
            x[i] += y[i];
        }
    }

    /** SwiGLU's gate: gate[i] = silu(gate[i]) * up[i], silu(g) = g / (1 + e^-g); shapes [n]. */
    static void siluMul(float[] gate, float[] up, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(S, gate, i);
            FloatVector sig = g.neg().lanewise(VectorOperators.EXP).add(1f);
            g.div(sig).mul(FloatVector.fromArray(S, up, i)).intoArray(gate, i);
        }
        for (int i = bound; i < n; i++) {
            float g = gate[i];
            gate[i] = (float) (g / (1 + Math.exp(-g))) * up[i];
        }
    }

    /** In-place softmax of x[0..n). */
    static void softmax(float[] x, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[i]);
        }
        int bound = S.loopBound(n);
        FloatVector sumV = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) {
            FloatVector e = FloatVector.fromArray(S, x, i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(x, i);
            sumV = sumV.add(e);
        }
        float sum = sumV.reduceLanes(VectorOperators.ADD);
        for (int i = bound; i < n; i++) {
            x[i] = (float) Math.exp(x[i] - max);
            sum += x[i];
        }
        float inv = 1f / sum;
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, x, i).mul(inv).intoArray(x, i);
        }
        for (int i = bound; i < n; i++) {
            x[i] *= inv;
        }
    }

    /**
     * Attention scores of one head over {@code count} cached keys: att[ao + t] = scale ·
     * q[qo..qo+n) · key t, where key t is the n floats at byte {@code at + t·stride} of a KV
     * page. Four keys per pass give four independent FMA chains; n is a multiple of the vector
     * length or handled lane by lane.
     */
    static void scores(float[] q, int qo, MemorySegment page, long at, long stride, int count, int n, float scale, float[] att, int ao) {
        int bound = S.loopBound(n);
        int t = 0;
        for (; t + 4 <= count; t += 4) {
            long k0 = at + t * stride;
            long k1 = k0 + stride;
            long k2 = k1 + stride;
            long k3 = k2 + stride;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            for (int i = 0; i < bound; i += L) {
                FloatVector qv = FloatVector.fromArray(S, q, qo + i);
                long b = (long) i * Float.BYTES;
                a0 = FloatVector.fromMemorySegment(S, page, k0 + b, ByteOrder.LITTLE_ENDIAN).fma(qv, a0);
                a1 = FloatVector.fromMemorySegment(S, page, k1 + b, ByteOrder.LITTLE_ENDIAN).fma(qv, a1);
                a2 = FloatVector.fromMemorySegment(S, page, k2 + b, ByteOrder.LITTLE_ENDIAN).fma(qv, a2);
                a3 = FloatVector.fromMemorySegment(S, page, k3 + b, ByteOrder.LITTLE_ENDIAN).fma(qv, a3);
            }
            att[ao + t] = (a0.reduceLanes(VectorOperators.ADD) + tail(q, qo, page, k0, bound, n)) * scale;
            att[ao + t + 1] = (a1.reduceLanes(VectorOperators.ADD) + tail(q, qo, page, k1, bound, n)) * scale;
            att[ao + t + 2] = (a2.reduceLanes(VectorOperators.ADD) + tail(q, qo, page, k2, bound, n)) * scale;
            att[ao + t + 3] = (a3.reduceLanes(VectorOperators.ADD) + tail(q, qo, page, k3, bound, n)) * scale;
        }
        for (; t < count; t++) {
            long k0 = at + t * stride;
            FloatVector a0 = FloatVector.zero(S);
            for (int i = 0; i < bound; i += L) {
                a0 = FloatVector.fromMemorySegment(S, page, k0 + (long) i * Float.BYTES, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(S, q, qo + i), a0);
            }
            att[ao + t] = (a0.reduceLanes(VectorOperators.ADD) + tail(q, qo, page, k0, bound, n)) * scale;
        }
    }

    private static float tail(float[] q, int qo, MemorySegment page, long at, int from, int n) {
        float sum = 0;
        for (int i = from; i < n; i++) {
            sum += q[qo + i] * page.get(LE_FLOAT, at + (long) i * Float.BYTES);
        }
        return sum;
    }

    /**
     * Weighted sum of one head's cached values: out[oo..oo+n) += Σ_t att[ao + t] · value t, value
     * t being the n floats at byte {@code at + t·stride} of a KV page. Each vector-wide slice of
     * the head is summed over all positions in registers (two interleaved accumulators), then
     * added to {@code out} once.
     */
    static void weightedSum(float[] att, int ao, MemorySegment page, long at, long stride, int count, int n, float[] out, int oo) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            long col = at + (long) i * Float.BYTES;
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            int t = 0;
            for (; t + 2 <= count; t += 2) {
                long v0 = col + t * stride;
                s0 = FloatVector.fromMemorySegment(S, page, v0, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.broadcast(S, att[ao + t]), s0);
                s1 = FloatVector.fromMemorySegment(S, page, v0 + stride, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.broadcast(S, att[ao + t + 1]), s1);
            }
            if (t < count) {
                s0 = FloatVector.fromMemorySegment(S, page, col + t * stride, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.broadcast(S, att[ao + t]), s0);
            }
            s0.add(s1).add(FloatVector.fromArray(S, out, oo + i)).intoArray(out, oo + i);
        }
        for (int i = bound; i < n; i++) {
            float sum = 0;
            for (int t = 0; t < count; t++) {
                sum += att[ao + t] * page.get(LE_FLOAT, at + t * stride + (long) i * Float.BYTES);
            }
            out[oo + i] += sum;
        }
    }

    private static final java.lang.foreign.ValueLayout.OfFloat LE_FLOAT =
            java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
}
