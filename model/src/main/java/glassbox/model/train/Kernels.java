package glassbox.model.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The numerical kernels of the trainer, on plain row-major float arrays with offsets.
 * Matrix products use the Vector API with a 4-row x 2-vector register block: each step of the
 * k loop loads two vectors of B, broadcasts four elements of A and does eight fused
 * multiply-adds, which keeps the FMA units busy instead of waiting on memory.
 */
public final class Kernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private Kernels() {
    }

    /**
     * C[M,N] (+)= A[M,K] · B[K,N] for rows {@code [rowFrom, rowTo)} of C. All row-major,
     * with leading dimensions K (A), N (B) and N (C).
     */
    public static void matmul(float[] a, int ao, float[] b, int bo, float[] c, int co,
                              int rowFrom, int rowTo, int k, int n, boolean accumulate) {
        matmul(a, ao, k, b, bo, n, c, co, n, rowFrom, rowTo, k, n, accumulate);
    }

    /** As above with explicit leading dimensions (row strides) for A, B and C. */
    public static void matmul(float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc,
                              int rowFrom, int rowTo, int k, int n, boolean accumulate) {
        // Row tiles keep a slice of A in cache while every column panel of B streams past it
        // once per tile (instead of once per 4 rows).
        for (int i0 = rowFrom; i0 < rowTo; i0 += ROW_TILE) {
            int i1 = Math.min(rowTo, i0 + ROW_TILE);
            int blocked = i0 + (i1 - i0) / 4 * 4;
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                for (int i = i0; i < blocked; i += 4) {
                    block4x2(a, ao + i * lda, lda, b, bo + j, ldb, c, co + i * ldc + j, ldc, k, accumulate);
                }
                for (int i = blocked; i < i1; i++) {
                    rowVector(a, ao + i * lda, b, bo + j, ldb, c, co + i * ldc + j, k, accumulate);
                    rowVector(a, ao + i * lda, b, bo + j + L, ldb, c, co + i * ldc + j + L, k, accumulate);
                }
            }
            for (; j + L <= n; j += L) {
                for (int i = i0; i < i1; i++) {
                    rowVector(a, ao + i * lda, b, bo + j, ldb, c, co + i * ldc + j, k, accumulate);
                }
            }
            for (; j < n; j++) {
                for (int i = i0; i < i1; i++) {
                    scalarCell(a, ao + i * lda, b, bo + j, ldb, c, co + i * ldc + j, k, accumulate);
                }
            }
        }
    }

    private static final int ROW_TILE = 64;

    private static void block4x2(float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0, int ldc,
                                 int k, boolean acc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * ldb;
            FloatVector b0v = FloatVector.fromArray(S, b, bp);
            FloatVector b1v = FloatVector.fromArray(S, b, bp + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0v, c00);
            c01 = x.fma(b1v, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0v, c10);
            c11 = x.fma(b1v, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0v, c20);
            c21 = x.fma(b1v, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0v, c30);
            c31 = x.fma(b1v, c31);
        }
        store(c00, c, c0, acc);
        store(c01, c, c0 + L, acc);
        store(c10, c, c0 + ldc, acc);
        store(c11, c, c0 + ldc + L, acc);
        store(c20, c, c0 + 2 * ldc, acc);
        store(c21, c, c0 + 2 * ldc + L, acc);
        store(c30, c, c0 + 3 * ldc, acc);
        store(c31, c, c0 + 3 * ldc + L, acc);
    }

    private static void rowVector(float[] a, int a0, float[] b, int b0, int ldb, float[] c, int c0, int k, boolean acc) {
        FloatVector sum = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            sum = FloatVector.broadcast(S, a[a0 + p]).fma(FloatVector.fromArray(S, b, b0 + p * ldb), sum);
        }
        store(sum, c, c0, acc);
    }

    private static void scalarCell(float[] a, int a0, float[] b, int b0, int ldb, float[] c, int c0, int k, boolean acc) {
        float sum = 0f;
        for (int p = 0; p < k; p++) {
            sum = Math.fma(a[a0 + p], b[b0 + p * ldb], sum);
        }
        c[c0] = acc ? c[c0] + sum : sum;
    }

    private static void store(FloatVector v, float[] c, int off, boolean acc) {
        (acc ? v.add(FloatVector.fromArray(S, c, off)) : v).intoArray(c, off);
    }

    /** out[cols, rows] = transpose of in[rows, cols]; blocked so both sides stay in cache. */
    public static void transpose(float[] in, int io, float[] out, int oo, int rows, int cols) {
        final int blk = 32;
        for (int r0 = 0; r0 < rows; r0 += blk) {
            int r1 = Math.min(rows, r0 + blk);
            for (int c0 = 0; c0 < cols; c0 += blk) {
                int c1 = Math.min(cols, c0 + blk);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        out[oo + c * rows + r] = in[io + r * cols + c];
                    }
                }
            }
        }
    }

    /** Dot product of x[xo..xo+n) and y[yo..yo+n). */
    public static float dot(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (; i + L <= n; i += L) {
            acc = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), acc);
        }
        // Lanes summed in a fixed order: reduceLanes(ADD) may add them in another order once the
        // JIT compiles it, and runs would then differ in the last bit (a resumed run must match).
        float sum = 0f;
        for (float lane : acc.toArray()) {
            sum += lane;
        }
        for (; i < n; i++) {
            sum = Math.fma(x[xo + i], y[yo + i], sum);
        }
        return sum;
    }

    /** y[yo..yo+n) += alpha * x[xo..xo+n). */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (; i + L <= n; i += L) {
            va.fma(FloatVector.fromArray(S, x, xo + i), FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
        }
    }

    /** Sum of squares of x[xo..xo+n). */
    public static float sumOfSquares(float[] x, int xo, int n) {
        return dot(x, xo, x, xo, n);
    }

    /**
     * out[r] = m[r] · x for every row of {@code m} ({@code [rows][n]}, one array per row, as the
     * engine's probe weights are kept): four rows per pass, so each vector of x is loaded once for
     * four fused multiply-adds. The lanes are summed with {@code reduceLanes}, whose order may change
     * once the JIT compiles it: fine for inspection, not for the trainer's bit-exact runs.
     */
    public static void matVec(float[][] m, float[] x, float[] out) {
        int n = x.length;
        int upper = S.loopBound(n);
        int r = 0;
        for (; r + 4 <= m.length; r += 4) {
            float[] m0 = m[r], m1 = m[r + 1], m2 = m[r + 2], m3 = m[r + 3];
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
            for (int i = 0; i < upper; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i);
                s0 = FloatVector.fromArray(S, m0, i).fma(xv, s0);
                s1 = FloatVector.fromArray(S, m1, i).fma(xv, s1);
                s2 = FloatVector.fromArray(S, m2, i).fma(xv, s2);
                s3 = FloatVector.fromArray(S, m3, i).fma(xv, s3);
            }
            float t0 = s0.reduceLanes(VectorOperators.ADD), t1 = s1.reduceLanes(VectorOperators.ADD);
            float t2 = s2.reduceLanes(VectorOperators.ADD), t3 = s3.reduceLanes(VectorOperators.ADD);
            for (int i = upper; i < n; i++) {
                t0 = Math.fma(m0[i], x[i], t0);
                t1 = Math.fma(m1[i], x[i], t1);
                t2 = Math.fma(m2[i], x[i], t2);
                t3 = Math.fma(m3[i], x[i], t3);
            }
            out[r] = t0;
            out[r + 1] = t1;
            out[r + 2] = t2;
            out[r + 3] = t3;
        }
        for (; r < m.length; r++) {
            out[r] = dot(m[r], 0, x, 0, n);
        }
    }
}
