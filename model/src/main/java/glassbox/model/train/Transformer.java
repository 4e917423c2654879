package glassbox.model.train;

import java.util.Arrays;

import glassbox.model.math.Softmax;

/**
 * A Llama-style decoder with a hand-written forward and backward pass for a fixed batch shape
 * {@code B x T} ({@code M = B·T} rows). Follows Hugging Face's Llama semantics exactly
 * (RMSNorm, rotate-half RoPE, causal softmax attention scaled by 1/sqrt(d_head), SwiGLU MLP,
 * final RMSNorm, output head tied to the embedding), so the exported weights run unchanged in
 * jlama. Activations needed by the backward pass are kept per layer.
 *
 * <p>Not thread-safe: one instance is one training or evaluation stream; it parallelises
 * internally through {@link Parallel}.
 */
public final class Transformer {
    final ModelConfig c;
    final Weights w;
    final Parallel par;
    final int batch, seq, rows;
    private final int h, f, v, nh, hd;
    private final float scale;
    private final float[] cos, sin;            // [seq, hd/2]

    // Per-layer activations, each [rows, width] unless noted.
    private final float[][] xIn, n1, rstd1, q, k, val, probs, att, xMid, n2, rstd2, gate, up, act;
    private final float[] xLast, nFinal, rstdFinal, logits; // logits: [rows, vocab], then dlogits
    private int[] inputs;

    // Scratch for the backward pass.
    private final float[] dx, dxMid, dn, dAtt, dq, dk, dv, dGate, dUp, tWeight, tAct, tHead;

    public Transformer(Weights w, int batch, int seq, Parallel par) {
        this.c = w.config;
        this.w = w;
        this.par = par;
        this.batch = batch;
        this.seq = seq;
        this.rows = batch * seq;
        if (seq > c.contextLength()) {
            throw new IllegalArgumentException("sequence length " + seq + " exceeds the context length " + c.contextLength());
        }
        h = c.hiddenSize();
        f = c.intermediateSize();
        v = c.vocabSize();
        nh = c.numHeads();
        hd = c.headDim();
        scale = (float) (1.0 / Math.sqrt(hd));
        cos = new float[seq * hd / 2];
        sin = new float[seq * hd / 2];
        for (int pos = 0; pos < seq; pos++) {
            for (int i = 0; i < hd / 2; i++) {
                double invFreq = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / hd);
                double angle = pos * invFreq;
                cos[pos * hd / 2 + i] = (float) Math.cos(angle);
                sin[pos * hd / 2 + i] = (float) Math.sin(angle);
            }
        }
        int layers = c.numLayers();
        xIn = new float[layers][rows * h];
        n1 = new float[layers][rows * h];
        rstd1 = new float[layers][rows];
        q = new float[layers][rows * h];
        k = new float[layers][rows * h];
        val = new float[layers][rows * h];
        probs = new float[layers][batch * nh * seq * seq];
        att = new float[layers][rows * h];
        xMid = new float[layers][rows * h];
        n2 = new float[layers][rows * h];
        rstd2 = new float[layers][rows];
        gate = new float[layers][rows * f];
        up = new float[layers][rows * f];
        act = new float[layers][rows * f];
        xLast = new float[rows * h];
        nFinal = new float[rows * h];
        rstdFinal = new float[rows];
        logits = new float[rows * v];
        dx = new float[rows * h];
        dxMid = new float[rows * h];
        dn = new float[rows * h];
        dAtt = new float[rows * h];
        dq = new float[rows * h];
        dk = new float[rows * h];
        dv = new float[rows * h];
        dGate = new float[rows * f];
        dUp = new float[rows * f];
        tWeight = new float[Math.max(h * f, v * h)];
        tAct = new float[rows * Math.max(h, f)];
        tHead = new float[h * v];
    }

    // ------------------------------------------------------------------ forward

    /**
     * Runs the model on {@code inputs} ({@code [batch, seq]} token ids) and leaves the logits
     * ({@code [rows, vocab]}) in place for {@link #logits()} or {@link #crossEntropy(int[])}.
     */
    public void forward(int[] inputs) {
        if (inputs.length != rows) {
            throw new IllegalArgumentException("expected " + rows + " tokens, got " + inputs.length);
        }
        this.inputs = inputs.clone();
        float[] x = xLast;
        for (int r = 0; r < rows; r++) {
            int tok = inputs[r];
            if (tok < 0 || tok >= v) {
                throw new IllegalArgumentException("token id " + tok + " outside the vocabulary of " + v);
            }
            System.arraycopy(w.data, w.embed.offset() + tok * h, x, r * h, h);
        }
        for (int l = 0; l < c.numLayers(); l++) {
            Weights.Layer lw = w.layers[l];
            System.arraycopy(x, 0, xIn[l], 0, rows * h);
            rmsNorm(xIn[l], lw.attnNorm(), n1[l], rstd1[l]);
            linear(n1[l], h, lw.wq(), q[l]);
            linear(n1[l], h, lw.wk(), k[l]);
            linear(n1[l], h, lw.wv(), val[l]);
            rope(q[l], false);
            rope(k[l], false);
            attentionForward(l);
            // xMid = xIn + att · Wo
            System.arraycopy(xIn[l], 0, xMid[l], 0, rows * h);
            float[] mid = xMid[l];
            float[] attL = att[l];
            par.forRange(rows, (a, b) -> Kernels.matmul(attL, 0, w.data, lw.wo().offset(), mid, 0, a, b, h, h, true));
            rmsNorm(mid, lw.mlpNorm(), n2[l], rstd2[l]);
            linear(n2[l], h, lw.wGate(), gate[l]);
            linear(n2[l], h, lw.wUp(), up[l]);
            swiglu(gate[l], up[l], act[l]);
            // x = xMid + act · Wdown
            System.arraycopy(mid, 0, x, 0, rows * h);
            float[] actL = act[l];
            par.forRange(rows, (a, b) -> Kernels.matmul(actL, 0, w.data, lw.wDown().offset(), x, 0, a, b, f, h, true));
        }
        rmsNorm(x, w.finalNorm, nFinal, rstdFinal);
        // logits = nFinal · Eᵀ
        Kernels.transpose(w.data, w.embed.offset(), tHead, 0, v, h);
        par.forRange(rows, (a, b) -> Kernels.matmul(nFinal, 0, tHead, 0, logits, 0, a, b, h, v, false));
    }

    /** The logits of the last forward pass, {@code [rows, vocab]}. */
    public float[] logits() {
        return logits;
    }

    /** A target that is not trained on (a prompt token of a chat example): its row adds no loss and no gradient. */
    public static final int IGNORED = -1;

    /**
     * Mean cross-entropy of the last forward pass against {@code targets} over the rows whose
     * target is not {@link #IGNORED}, turning the logits into the loss gradient in place (so call
     * it once, after {@link #forward}). Returns 0 when every target is ignored.
     */
    public float crossEntropy(int[] targets) {
        double[] rowLoss = new double[rows];
        int counted = 0;
        for (int t : targets) {
            counted += t == IGNORED ? 0 : 1;
        }
        float invRows = counted == 0 ? 0f : 1f / counted;
        par.forRange(rows, (a, b) -> {
            for (int r = a; r < b; r++) {
                int off = r * v;
                int t = targets[r];
                if (t == IGNORED) {
                    java.util.Arrays.fill(logits, off, off + v, 0f);
                    continue;
                }
                Softmax.inPlace(logits, off, v, 1f);
                rowLoss[r] = -Math.log(Math.max(logits[off + t], 1e-30f));
                for (int j = 0; j < v; j++) {
                    logits[off + j] *= invRows;          // softmax / counted rows ...
                }
                logits[off + t] -= invRows;              // ... minus one-hot / counted rows
            }
        });
        double total = 0;
        for (double d : rowLoss) {
            total += d;
        }
        return counted == 0 ? 0f : (float) (total / counted);
    }

    private void linear(float[] in, int inWidth, Weights.Slice wt, float[] out) {
        par.forRange(rows, (a, b) -> Kernels.matmul(in, 0, w.data, wt.offset(), out, 0, a, b, inWidth, wt.cols(), false));
    }

    private void rmsNorm(float[] x, Weights.Slice gain, float[] out, float[] rstd) {
        par.forRange(rows, (a, b) -> {
            for (int r = a; r < b; r++) {
                float rs = (float) (1.0 / Math.sqrt(Kernels.sumOfSquares(x, r * h, h) / h + c.rmsNormEps()));
                rstd[r] = rs;
                for (int j = 0; j < h; j++) {
                    out[r * h + j] = x[r * h + j] * rs * w.data[gain.offset() + j];
                }
            }
        });
    }

    private void swiglu(float[] g, float[] u, float[] out) {
        par.forRange(rows, (a, b) -> {
            for (int i = a * f; i < b * f; i++) {
                float s = sigmoid(g[i]);
                out[i] = g[i] * s * u[i];
            }
        });
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** Rotate-half RoPE on every head of every row; {@code inverse} rotates back (for gradients). */
    private void rope(float[] x, boolean inverse) {
        int half = hd / 2;
        par.forRange(rows, (a, b) -> {
            for (int r = a; r < b; r++) {
                int pos = r % seq;
                for (int head = 0; head < nh; head++) {
                    int base = r * h + head * hd;
                    for (int i = 0; i < half; i++) {
                        float co = cos[pos * half + i];
                        float si = inverse ? -sin[pos * half + i] : sin[pos * half + i];
                        float x1 = x[base + i], x2 = x[base + half + i];
                        x[base + i] = x1 * co - x2 * si;
                        x[base + half + i] = x2 * co + x1 * si;
                    }
                }
            }
        });
    }

    /**
     * Causal attention per (batch, head) as small matrix products on contiguous per-head copies:
     * S = Q·Kᵀ, P = softmax(S·scale) row by row over positions ≤ t, O = P·V. Row blocks of 4
     * only compute the columns their causal mask keeps.
     */
    private void attentionForward(int l) {
        float[] ql = q[l], kl = k[l], vl = val[l], pl = probs[l], out = att[l];
        par.forRange(batch * nh, (a, b) -> {
            float[] qh = new float[seq * hd], kt = new float[hd * seq], vh = new float[seq * hd], oh = new float[seq * hd];
            float[] kh = new float[seq * hd];
            for (int task = a; task < b; task++) {
                int bi = task / nh, head = task % nh;
                int pBase = task * seq * seq;
                gatherHead(ql, bi, head, qh);
                gatherHead(kl, bi, head, kh);
                gatherHead(vl, bi, head, vh);
                Kernels.transpose(kh, 0, kt, 0, seq, hd);
                for (int r0 = 0; r0 < seq; r0 += 4) {
                    int r1 = Math.min(seq, r0 + 4);
                    Kernels.matmul(qh, 0, hd, kt, 0, seq, pl, pBase, seq, r0, r1, hd, r1, false);
                }
                for (int t = 0; t < seq; t++) {
                    int row = pBase + t * seq;
                    Softmax.inPlace(pl, row, t + 1, scale);
                    Arrays.fill(pl, row + t + 1, row + seq, 0f);   // masked: exactly zero
                }
                for (int r0 = 0; r0 < seq; r0 += 4) {
                    int r1 = Math.min(seq, r0 + 4);
                    Kernels.matmul(pl, pBase, seq, vh, 0, hd, oh, 0, hd, r0, r1, r1, hd, false);
                }
                scatterHead(oh, bi, head, out);
            }
        });
    }

    private void gatherHead(float[] src, int bi, int head, float[] dst) {
        for (int t = 0; t < seq; t++) {
            System.arraycopy(src, (bi * seq + t) * h + head * hd, dst, t * hd, hd);
        }
    }

    private void scatterHead(float[] src, int bi, int head, float[] dst) {
        for (int t = 0; t < seq; t++) {
            System.arraycopy(src, t * hd, dst, (bi * seq + t) * h + head * hd, hd);
        }
    }

    // ------------------------------------------------------------------ backward

    /**
     * Back-propagates the loss gradient left in the logits by {@link #crossEntropy} and adds the
     * parameter gradients into {@code grad} (same layout as {@link Weights#data}).
     */
    public void backward(float[] grad) {
        // Output head: dnFinal = dlogits · E ; dE += (nFinalᵀ · dlogits)ᵀ
        par.forRange(rows, (a, b) -> Kernels.matmul(logits, 0, w.data, w.embed.offset(), dn, 0, a, b, v, h, false));
        Kernels.transpose(nFinal, 0, tAct, 0, rows, h);
        par.forRange(h, (a, b) -> Kernels.matmul(tAct, 0, logits, 0, tHead, 0, a, b, rows, v, false));
        int eo = w.embed.offset();
        par.forRange(v, (a, b) -> {
            for (int tok = a; tok < b; tok++) {
                for (int j = 0; j < h; j++) {
                    grad[eo + tok * h + j] += tHead[j * v + tok];
                }
            }
        });
        Arrays.fill(dx, 0f);
        rmsNormBackward(xLast, w.finalNorm, rstdFinal, dn, dx, grad);

        for (int l = c.numLayers() - 1; l >= 0; l--) {
            Weights.Layer lw = w.layers[l];
            // x = xMid + act · Wdown
            linearBackward(act[l], f, lw.wDown(), dx, dGate, grad);      // dGate temporarily holds dAct
            float[] g = gate[l], u = up[l];
            par.forRange(rows, (a, b) -> {
                for (int i = a * f; i < b * f; i++) {
                    float s = sigmoid(g[i]);
                    float dAct = dGate[i];
                    dUp[i] = dAct * g[i] * s;
                    dGate[i] = dAct * u[i] * s * (1f + g[i] * (1f - s));
                }
            });
            linearBackward(n2[l], h, lw.wGate(), dGate, dn, grad);
            linearBackwardAccumulate(n2[l], h, lw.wUp(), dUp, dn, grad);
            System.arraycopy(dx, 0, dxMid, 0, rows * h);
            rmsNormBackward(xMid[l], lw.mlpNorm(), rstd2[l], dn, dxMid, grad);
            // xMid = xIn + att · Wo
            linearBackward(att[l], h, lw.wo(), dxMid, dAtt, grad);
            attentionBackward(l);
            rope(dq, true);
            rope(dk, true);
            linearBackward(n1[l], h, lw.wq(), dq, dn, grad);
            linearBackwardAccumulate(n1[l], h, lw.wk(), dk, dn, grad);
            linearBackwardAccumulate(n1[l], h, lw.wv(), dv, dn, grad);
            System.arraycopy(dxMid, 0, dx, 0, rows * h);
            rmsNormBackward(xIn[l], lw.attnNorm(), rstd1[l], dn, dx, grad);
        }
        // Embedding lookup: scatter the residual-stream gradient back to the token rows.
        for (int r = 0; r < rows; r++) {
            Kernels.axpy(1f, dx, r * h, grad, eo + inputs[r] * h, h);
        }
    }

    /** For out = in · W (W stored [inW, outW]): dIn = dOut · Wᵀ (overwrites), dW += inᵀ · dOut. */
    private void linearBackward(float[] in, int inW, Weights.Slice wt, float[] dOut, float[] dIn, float[] grad) {
        weightGradient(in, inW, wt, dOut, grad);
        int outW = wt.cols();
        Kernels.transpose(w.data, wt.offset(), tWeight, 0, inW, outW);
        par.forRange(rows, (a, b) -> Kernels.matmul(dOut, 0, tWeight, 0, dIn, 0, a, b, outW, inW, false));
    }

    /** Like {@link #linearBackward} but adds into dIn. */
    private void linearBackwardAccumulate(float[] in, int inW, Weights.Slice wt, float[] dOut, float[] dIn, float[] grad) {
        weightGradient(in, inW, wt, dOut, grad);
        int outW = wt.cols();
        Kernels.transpose(w.data, wt.offset(), tWeight, 0, inW, outW);
        par.forRange(rows, (a, b) -> Kernels.matmul(dOut, 0, tWeight, 0, dIn, 0, a, b, outW, inW, true));
    }

    private void weightGradient(float[] in, int inW, Weights.Slice wt, float[] dOut, float[] grad) {
        Kernels.transpose(in, 0, tAct, 0, rows, inW);
        par.forRange(inW, (a, b) -> Kernels.matmul(tAct, 0, dOut, 0, grad, wt.offset(), a, b, rows, wt.cols(), true));
    }

    /** y = x·rstd·g. Adds dx into {@code dxOut}; adds the gain gradient into {@code grad}. */
    private void rmsNormBackward(float[] x, Weights.Slice gain, float[] rstd, float[] dy, float[] dxOut, float[] grad) {
        int go = gain.offset();
        par.forRange(rows, (a, b) -> {
            for (int r = a; r < b; r++) {
                float rs = rstd[r];
                float dot = 0f;
                for (int j = 0; j < h; j++) {
                    dot += w.data[go + j] * dy[r * h + j] * x[r * h + j];
                }
                float coef = rs * rs * rs * dot / h;
                for (int j = 0; j < h; j++) {
                    dxOut[r * h + j] += rs * w.data[go + j] * dy[r * h + j] - coef * x[r * h + j];
                }
            }
        });
        // The gain gradient reduces over rows: one thread, fixed order, so it stays deterministic.
        for (int r = 0; r < rows; r++) {
            float rs = rstd[r];
            for (int j = 0; j < h; j++) {
                grad[go + j] += dy[r * h + j] * x[r * h + j] * rs;
            }
        }
    }

    /**
     * Backward of {@link #attentionForward} per (batch, head): dP = dO·Vᵀ,
     * dS = P ⊙ (dP − rowsum(P ⊙ dP))·scale, dQ = dS·K, dK = dSᵀ·Q, dV = Pᵀ·dO. Each task
     * writes only its own head's slice of dq, dk and dv.
     */
    private void attentionBackward(int l) {
        float[] ql = q[l], kl = k[l], vl = val[l], pl = probs[l];
        par.forRange(batch * nh, (a, b) -> {
            float[] qh = new float[seq * hd], kh = new float[seq * hd], vt = new float[hd * seq], vh = new float[seq * hd];
            float[] doh = new float[seq * hd], ds = new float[seq * seq], tt = new float[seq * seq], out = new float[seq * hd];
            for (int task = a; task < b; task++) {
                int bi = task / nh, head = task % nh;
                int pBase = task * seq * seq;
                gatherHead(ql, bi, head, qh);
                gatherHead(kl, bi, head, kh);
                gatherHead(vl, bi, head, vh);
                gatherHead(dAtt, bi, head, doh);
                Kernels.transpose(vh, 0, vt, 0, seq, hd);
                for (int r0 = 0; r0 < seq; r0 += 4) {
                    int r1 = Math.min(seq, r0 + 4);
                    Kernels.matmul(doh, 0, hd, vt, 0, seq, ds, 0, seq, r0, r1, hd, r1, false);   // dP
                }
                for (int t = 0; t < seq; t++) {
                    int row = t * seq;
                    float dot = 0f;
                    for (int s = 0; s <= t; s++) {
                        dot += pl[pBase + row + s] * ds[row + s];
                    }
                    for (int s = 0; s <= t; s++) {
                        ds[row + s] = pl[pBase + row + s] * (ds[row + s] - dot) * scale;
                    }
                    Arrays.fill(ds, row + t + 1, row + seq, 0f);
                }
                // dQ = dS · K (row t needs columns s <= t only)
                for (int r0 = 0; r0 < seq; r0 += 4) {
                    int r1 = Math.min(seq, r0 + 4);
                    Kernels.matmul(ds, 0, seq, kh, 0, hd, out, 0, hd, r0, r1, r1, hd, false);
                }
                scatterHead(out, bi, head, dq);
                // dK = dSᵀ · Q (row s of dSᵀ is non-zero from column s on)
                Kernels.transpose(ds, 0, tt, 0, seq, seq);
                for (int r0 = 0; r0 < seq; r0 += 4) {
                    int r1 = Math.min(seq, r0 + 4);
                    Kernels.matmul(tt, r0, seq, qh, r0 * hd, hd, out, 0, hd, r0, r1, seq - r0, hd, false);
                }
                scatterHead(out, bi, head, dk);
                // dV = Pᵀ · dO
                Kernels.transpose(pl, pBase, tt, 0, seq, seq);
                for (int r0 = 0; r0 < seq; r0 += 4) {
                    int r1 = Math.min(seq, r0 + 4);
                    Kernels.matmul(tt, r0, seq, doh, r0 * hd, hd, out, 0, hd, r0, r1, seq - r0, hd, false);
                }
                scatterHead(out, bi, head, dv);
            }
        });
    }

    /** Probabilities over the vocabulary for row {@code r} of the last forward pass (before crossEntropy). */
    public float[] probabilities(int r) {
        float[] p = java.util.Arrays.copyOfRange(logits, r * v, (r + 1) * v);
        Softmax.inPlace(p);
        return p;
    }

    /**
     * The residual stream of the last forward pass entering block {@code l} ({@code [rows, hidden]});
     * {@code l = numLayers} is the stream leaving the last block, before the final norm.
     */
    public float[] residualBefore(int l) {
        return (l == c.numLayers() ? xLast : xIn[l]).clone();
    }

    /** The residual stream of block {@code l} after its attention has been added, before its MLP ({@code [rows, hidden]}). */
    public float[] residualAfterAttention(int l) {
        return xMid[l].clone();
    }

    /** The final-normed hidden state that the output head reads ({@code [rows, hidden]}). */
    public float[] finalNormed() {
        return nFinal.clone();
    }

    /** Attention probabilities of layer l, head, query position t over positions 0..t (batch 0). */
    public float[] attentionRow(int l, int head, int t) {
        return Arrays.copyOfRange(probs[l], (head * seq + t) * seq, (head * seq + t) * seq + t + 1);
    }
}
