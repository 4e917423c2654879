package glassbox.model.infer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels of one decoding step, on plain float arrays: matrix products for a batch of rows,
 * RMSNorm, SwiGLU, softmax, and the attention dot products over jlama's KV pages.
 * They do what llama2.c's {@code run.c} does in C, with the Vector API: one pass over each
 * weight matrix per step (for all rows of the batch), no per-call allocation, no thread hand-off.
 *
 * <p>Every result is the same bits whoever else is in the batch and whenever it runs: sums run in
 * a fixed order ({@link #sum} instead of {@code reduceLanes}) and exponentials are {@link #exp}'s
 * lanewise arithmetic, which no JIT tier changes.
 */
final class DecodeKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private DecodeKernels() {
    }

    /** Columns per panel of a packed weight matrix: one tile's outputs. */
    static final int PANEL = 4 * L;

    /**
     * Packs a weight matrix from Hugging Face's {@code [out][in]} into column panels: the outputs
     * in groups of {@link #PANEL} (the last group narrower when out is not a multiple), each group
     * stored as {@code [in][width]}, one group after the other. Output o of input i is at
     * {@code p·in + i·width + (o − p)}, p = o rounded down to a multiple of PANEL. A tile then reads
     * one contiguous block (in × PANEL floats) instead of a strip of every row.
     */
    static float[] pack(float[] outIn, int out, int in) {
        float[] packed = new float[out * in];
        for (int p = 0; p < out; p += PANEL) {
            int width = Math.min(PANEL, out - p);
            for (int i = 0; i < in; i++) {
                for (int c = 0; c < width; c++) {
                    packed[p * in + i * width + c] = outIn[(p + c) * in + i];
                }
            }
        }
        return packed;
    }

    /**
     * y[b][o] = Σ_i x[b][i] · W[i][o] for rows b in [0, batch) and outputs o in [from, to), W packed
     * by {@link #pack} ({@code from} a multiple of {@link #PANEL}, {@code to} one too or
     * {@code out}): L neighbouring outputs are one vector load per input i, and each weight load
     * serves two rows of the batch. Every output is one accumulator summed over i = 0, 1, … in
     * order with one rounding per FMA, whatever the batch, the tile it falls in or the JIT tier: a
     * row's result never depends on the other rows (no horizontal sums, whose order the JIT may
     * change).
     */
    static void matMul(float[] w, float[][] x, int batch, float[][] y, int from, int to, int in, int out) {
        for (int p = from; p < to; p += PANEL) {
            int width = Math.min(PANEL, out - p);
            int base = p * in;
            if (width == PANEL) {
                int b = 0;
                for (; b + 2 <= batch; b += 2) {
                    tile4x2(w, base, x[b], x[b + 1], y[b], y[b + 1], p, in);
                }
                if (b < batch) {
                    tile4x1(w, base, x[b], y[b], p, in);
                }
                continue;
            }
            // the last, narrower panel: whole vectors, then lane by lane
            int c = 0;
            for (; c + L <= width; c += L) {
                for (int b = 0; b < batch; b++) {
                    column(w, base + c, width, x[b], y[b], p + c, in);
                }
            }
            for (; c < width; c++) {
                for (int b = 0; b < batch; b++) {
                    float acc = 0f;
                    for (int i = 0; i < in; i++) {
                        acc = Math.fma(w[base + i * width + c], x[b][i], acc);   // the same rounding as a vector lane's fma
                    }
                    y[b][p + c] = acc;
                }
            }
        }
    }

    /** Outputs [o, o + PANEL) of two rows from the panel at {@code base}: eight accumulators, four weight loads and two broadcasts per input. */
    private static void tile4x2(float[] w, int base, float[] x0, float[] x1, float[] y0, float[] y1, int o, int in) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S);
        for (int i = 0, wi = base; i < in; i++, wi += PANEL) {
            FloatVector w0 = FloatVector.fromArray(S, w, wi);
            FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
            FloatVector w2 = FloatVector.fromArray(S, w, wi + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, w, wi + 3 * L);
            FloatVector s0 = FloatVector.broadcast(S, x0[i]);
            FloatVector s1 = FloatVector.broadcast(S, x1[i]);
            a0 = w0.fma(s0, a0);
            a1 = w1.fma(s0, a1);
            a2 = w2.fma(s0, a2);
            a3 = w3.fma(s0, a3);
            b0 = w0.fma(s1, b0);
            b1 = w1.fma(s1, b1);
            b2 = w2.fma(s1, b2);
            b3 = w3.fma(s1, b3);
        }
        a0.intoArray(y0, o);
        a1.intoArray(y0, o + L);
        a2.intoArray(y0, o + 2 * L);
        a3.intoArray(y0, o + 3 * L);
        b0.intoArray(y1, o);
        b1.intoArray(y1, o + L);
        b2.intoArray(y1, o + 2 * L);
        b3.intoArray(y1, o + 3 * L);
    }

    /** Outputs [o, o + PANEL) of one row from the panel at {@code base}: four independent FMA chains. */
    private static void tile4x1(float[] w, int base, float[] x, float[] y, int o, int in) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        for (int i = 0, wi = base; i < in; i++, wi += PANEL) {
            FloatVector s = FloatVector.broadcast(S, x[i]);
            a0 = FloatVector.fromArray(S, w, wi).fma(s, a0);
            a1 = FloatVector.fromArray(S, w, wi + L).fma(s, a1);
            a2 = FloatVector.fromArray(S, w, wi + 2 * L).fma(s, a2);
            a3 = FloatVector.fromArray(S, w, wi + 3 * L).fma(s, a3);
        }
        a0.intoArray(y, o);
        a1.intoArray(y, o + L);
        a2.intoArray(y, o + 2 * L);
        a3.intoArray(y, o + 3 * L);
    }

    /** Outputs [o, o + L) of one row: weights from {@code at}, {@code stride} floats per input. */
    private static void column(float[] w, int at, int stride, float[] x, float[] y, int o, int in) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0, wi = at; i < in; i++, wi += stride) {
            acc = FloatVector.fromArray(S, w, wi).fma(FloatVector.broadcast(S, x[i]), acc);
        }
        acc.intoArray(y, o);
    }

    /**
     * The sum of a vector's lanes in one fixed order (halves added pairwise), so it is the same
     * number in the interpreter and in compiled code: {@code reduceLanes(ADD)} sums lane by lane
     * when interpreted and in another order once C2 compiles it (measured: different bits in
     * about half of random cases), which would make a result depend on when it was computed.
     */
    static float sum(FloatVector v) {
        if (L >= 16) {
            v = v.add(v.rearrange(ROTATE_8));
        }
        if (L >= 8) {
            v = v.add(v.rearrange(ROTATE_4));
        }
        if (L >= 4) {
            v = v.add(v.rearrange(ROTATE_2));
        }
        if (L >= 2) {
            v = v.add(v.rearrange(ROTATE_1));
        }
        return v.lane(0);
    }

    private static final VectorShuffle<Float> ROTATE_1 = rotate(1);
    private static final VectorShuffle<Float> ROTATE_2 = rotate(2);
    private static final VectorShuffle<Float> ROTATE_4 = rotate(4);
    private static final VectorShuffle<Float> ROTATE_8 = rotate(8);

    /** Lane i takes lane (i + k) mod L. */
    private static VectorShuffle<Float> rotate(int k) {
        return VectorShuffle.fromOp(S, i -> (i + k) % L);
    }

    /** x[xo..xo+n) · y[yo..yo+n). */
    static float dot(float[] x, int xo, float[] y, int yo, int n) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) {
            acc = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), acc);
        }
        float sum = sum(acc);
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
            g.div(exp(g.neg()).add(1f)).mul(FloatVector.fromArray(S, up, i)).intoArray(gate, i);
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
            FloatVector e = exp(FloatVector.fromArray(S, x, i).sub(max));
            e.intoArray(x, i);
            sumV = sumV.add(e);
        }
        float sum = sum(sumV);
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

    private static final float LOG2_E = 1.442695041f;
    private static final float LN2_HI = 0.693145752f;            // ln 2 split in two so n·LN2_HI is exact
    private static final float LN2_LO = 1.42860677e-6f;
    private static final float ROUND = 12582912f;                 // 1.5·2^23: x + ROUND − ROUND rounds x to an integer

    /**
     * e^x lane by lane, to about one ulp, from plain lanewise arithmetic only (the Vector API's own
     * EXP may run another approximation once compiled than when interpreted): x = n·ln 2 + r with
     * |r| ≤ ln 2 / 2, e^r by its Taylor series to r⁶ (error below r⁷/7! ≈ 1.2e-7), times 2^n
     * built in the exponent bits. x is clamped to [-87, 88], where 2^n stays a normal float.
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(-87f).min(88f);
        FloatVector n = x.mul(LOG2_E).add(ROUND).sub(ROUND);
        FloatVector r = x.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));     // n·LN2_HI is exact
        FloatVector p = r.fma(1f / 720, 1f / 120);
        p = p.fma(r, FloatVector.broadcast(S, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(S, 0.5f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        IntVector twoToN = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(twoToN.reinterpretAsFloats());
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
            att[ao + t] = (sum(a0) + tail(q, qo, page, k0, bound, n)) * scale;
            att[ao + t + 1] = (sum(a1) + tail(q, qo, page, k1, bound, n)) * scale;
            att[ao + t + 2] = (sum(a2) + tail(q, qo, page, k2, bound, n)) * scale;
            att[ao + t + 3] = (sum(a3) + tail(q, qo, page, k3, bound, n)) * scale;
        }
        for (; t < count; t++) {
            long k0 = at + t * stride;
            FloatVector a0 = FloatVector.zero(S);
            for (int i = 0; i < bound; i += L) {
                a0 = FloatVector.fromMemorySegment(S, page, k0 + (long) i * Float.BYTES, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(S, q, qo + i), a0);
            }
            att[ao + t] = (sum(a0) + tail(q, qo, page, k0, bound, n)) * scale;
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
