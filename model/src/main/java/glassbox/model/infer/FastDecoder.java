package glassbox.model.infer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Optional;

import com.github.tjake.jlama.math.ActivationFunction;
import com.github.tjake.jlama.safetensors.Config;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.WeightLoader;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;

/**
 * One decoding step of a Llama model for a batch of sequences, in the shape of llama2.c's
 * {@code forward()}: per row the embedding of its token, then per layer RMSNorm → q, k, v → RoPE →
 * attention over that row's cache → output projection → residual → RMSNorm → SwiGLU → residual;
 * the final RMSNorm and the classifier are {@link #logits}. Same numbers as jlama's own layers
 * (to float rounding), on the same KV cache: keys and values go into jlama's {@code KvBuffer}
 * pages exactly where (and as) jlama writes them, so prefill by jlama and decoding here can be
 * mixed freely.
 *
 * <p>Batching: each weight matrix is read once per step for all rows ({@link DecodeKernels#matMul}
 * of {@code [B][in]} by {@code W[in][out]}); attention runs per row on its own cache and position.
 * A row's arithmetic is the same whoever else is in the batch, so its logits are the same bits
 * as when it runs alone (batch 1 is this same code).
 *
 * <p>Why not jlama's layers for this step: at hidden size 256 each jlama op is a fork/join task
 * over tensor objects, and the per-call overhead outweighs the arithmetic (profile and figures
 * in the model card's "Serving" section). The weights are copied once into plain float arrays,
 * packed {@code [in][out]} in column panels (the F32 weights are held twice, and the tied
 * classifier a third time: 27 MB more for course-tiny).
 *
 * <p>Matrix columns and (row, head) pairs of attention are split over {@link SplitWork}'s two
 * threads when it has them, as llama2.c splits them over OpenMP threads.
 *
 * <p>Not thread-safe (one set of scratch buffers); the engine serializes forward passes.
 */
final class FastDecoder implements AutoCloseable {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One transformer block's weights, matrices packed for {@link DecodeKernels#matMul} ({@code [in][out]} in column panels). */
    private record Layer(float[] attnNorm, float[] wq, float[] wk, float[] wv, float[] wo,
                         float[] ffnNorm, float[] gate, float[] up, float[] down) {
    }

    /** Scratch rows for a batch of up to {@code capacity} sequences, reused every step. */
    private static final class Rows {
        final int capacity;
        final float[][] x;        // residual stream [B][dim]
        final float[][] xb;       // normed input [B][dim]
        final float[][] q;        // [B][heads·headSize]
        final float[][] k;        // [B][kvDim]
        final float[][] v;        // [B][kvDim]
        final float[][][] att;    // scores [B][heads][positions]
        final float[][] attOut;   // attention output [B][heads·headSize]
        final float[][] proj;     // projection back to [B][dim]
        final float[][] gate;     // [B][hidden]
        final float[][] up;       // [B][hidden]
        final AbstractTensor[][] keyPages;     // the current layer's cache per row
        final AbstractTensor[][] valuePages;
        final int[] positions;    // per row: positions attended to (pos + 1)

        Rows(int capacity, int dim, int hidden, int heads, int headSize, int kvDim, int context) {
            this.capacity = capacity;
            x = new float[capacity][dim];
            xb = new float[capacity][dim];
            q = new float[capacity][heads * headSize];
            k = new float[capacity][kvDim];
            v = new float[capacity][kvDim];
            att = new float[capacity][heads][context];
            attOut = new float[capacity][heads * headSize];
            proj = new float[capacity][dim];
            gate = new float[capacity][hidden];
            up = new float[capacity][hidden];
            keyPages = new AbstractTensor[capacity][];
            valuePages = new AbstractTensor[capacity][];
            positions = new int[capacity];
        }
    }

    private final int dim;          // residual width
    private final int hidden;       // SwiGLU width
    private final int heads;
    private final int headSize;
    private final int kvDim;        // kv heads × head size
    private final int groupSize;    // query heads per kv head
    private final int vocab;
    private final int context;
    private final float eps;
    private final float attentionScale;
    private final float[][] rope;   // jlama's table: [position·headSize/2 + index][cos, sin]
    private final float[] embed;    // [vocab][dim]
    private final float[] classifier; // [dim][vocab] packed: lm_head (or the tied embedding)
    private final float[] finalNorm;
    private final Layer[] layers;

    private final SplitWork split;
    private Rows rows;

    private FastDecoder(Config c, WeightLoader w, int threads) {
        split = new SplitWork(threads);
        dim = c.embeddingLength;
        hidden = c.hiddenLength;
        heads = c.numberOfHeads;
        headSize = c.headSize;
        kvDim = c.kvLength;
        groupSize = c.numberOfHeads / c.numberOfKeyValueHeads;
        vocab = c.vocabularySize;
        context = c.contextLength;
        eps = c.layerNormEps;
        attentionScale = c.attentionMultiplier != null ? c.attentionMultiplier : (float) (1.0 / StrictMath.sqrt(c.headSize));
        rope = c.ropeFreqs.orElseThrow();
        embed = floats(w, "model.embed_tokens.weight");
        classifier = packed(w, w.isWeightPresent("lm_head.weight") ? "lm_head.weight" : "model.embed_tokens.weight");
        finalNorm = floats(w, "model.norm.weight");
        layers = new Layer[c.numberOfLayers];
        for (int l = 0; l < layers.length; l++) {
            String p = "model.layers." + l + ".";
            layers[l] = new Layer(floats(w, p + "input_layernorm.weight"),
                    packed(w, p + "self_attn.q_proj.weight"), packed(w, p + "self_attn.k_proj.weight"),
                    packed(w, p + "self_attn.v_proj.weight"), packed(w, p + "self_attn.o_proj.weight"),
                    floats(w, p + "post_attention_layernorm.weight"),
                    packed(w, p + "mlp.gate_proj.weight"), packed(w, p + "mlp.up_proj.weight"), packed(w, p + "mlp.down_proj.weight"));
        }
        rows = new Rows(1, dim, hidden, heads, headSize, kvDim, context);
    }

    /**
     * A decoder for this model, or empty where jlama's layers do something this step does not
     * (multipliers, soft-capping, another activation, a distributed slice, no RoPE, not F32):
     * then jlama's own path serves.
     */
    static Optional<FastDecoder> forModel(Config c, WeightLoader w, int threads) {
        var d = c.dctx();
        boolean plain = c.residualMultiplier == null && c.embeddingMultiplier == null && c.logitMultiplier == null
                && c.attnLogitSoftCapping == null && c.finalLogitSoftCapping == null && c.ropeFreqs.isPresent()
                && c.activationFunction == ActivationFunction.Type.SILU && w.getModelDType() == DType.F32
                && d.layerStart == 0 && d.layerEnd == c.numberOfLayers && d.kvSegmentLength == c.kvLength
                && d.hiddenSegmentLength == c.hiddenLength && !c.isClassifier();
        return plain ? Optional.of(new FastDecoder(c, w, threads)) : Optional.empty();
    }

    /**
     * Runs {@code token} at {@code pos} through all layers, writing its keys and values into
     * {@code kv}; returns the residual stream after the last layer (an internal buffer, valid
     * until the next call). A batch of one: the same arithmetic as a row of {@link #forward(int[], int[], KvBufferCache.KvBuffer[])}.
     */
    float[] forward(int token, int pos, KvBufferCache.KvBuffer kv) {
        return forward(new int[] {token}, new int[] {pos}, new KvBufferCache.KvBuffer[] {kv})[0];
    }

    /**
     * One step for B = {@code tokens.length} rows: row b runs {@code tokens[b]} at
     * {@code positions[b]} on cache {@code kvs[b]} (keys and values written there). Rows may share
     * a cache, as a prompt's consecutive positions do in a prefill: in every layer all rows write
     * their keys and values before any row attends, so each row sees the rows before it.
     * Returns the residual streams after the last layer, {@code [≥B][dim]} (rows 0..B-1 valid;
     * internal buffers, valid until the next call).
     */
    float[][] forward(int[] tokens, int[] positions, KvBufferCache.KvBuffer[] kvs) {
        return forward(tokens, positions, kvs, null);
    }

    /**
     * The same step, handing {@code capture} (when not null) a copy of every row's residual stream
     * as each layer's input and after the last layer, row by row in order, as jlama's traced layer
     * loop does; the numbers computed are the same with or without it.
     */
    float[][] forward(int[] tokens, int[] positions, KvBufferCache.KvBuffer[] kvs, LayerCapture capture) {
        int batch = tokens.length;
        Rows r = rowsFor(batch);
        for (int b = 0; b < batch; b++) {
            System.arraycopy(embed, tokens[b] * dim, r.x[b], 0, dim);
        }
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            if (capture != null) {
                for (int b = 0; b < batch; b++) {
                    capture.layerInput(l, positions[b], r.x[b].clone());
                }
            }
            // attention: x += Wo · attend(rope(Wq·n(x)), cache ∪ rope(Wk·n(x)), cache ∪ Wv·n(x))
            for (int b = 0; b < batch; b++) {
                DecodeKernels.rmsNorm(r.x[b], layer.attnNorm, eps, r.xb[b], dim);
            }
            matMul(layer.wq, r.xb, r.q, batch, dim, heads * headSize);
            matMul(layer.wk, r.xb, r.k, batch, dim, kvDim);
            matMul(layer.wv, r.xb, r.v, batch, dim, kvDim);
            for (int b = 0; b < batch; b++) {
                int pos = positions[b];
                rotate(r.q[b], r.k[b], pos);
                store(kvs[b].getKeyTensorForPosition(l, pos), r.k[b]);
                store(kvs[b].getValTensorForPosition(l, pos), r.v[b]);
                r.keyPages[b] = kvs[b].getKeyTensorsUptoPosition(l, pos);
                r.valuePages[b] = kvs[b].getValTensorsUptoPosition(l, pos);
                r.positions[b] = pos + 1;
            }
            split.run(batch * heads, 1, (from, to) -> attend(r, from, to));
            matMul(layer.wo, r.attOut, r.proj, batch, heads * headSize, dim);
            for (int b = 0; b < batch; b++) {
                DecodeKernels.add(r.x[b], r.proj[b], dim);
            }
            // feed-forward: x += Wdown · (silu(Wgate·n(x)) ⊙ Wup·n(x))
            for (int b = 0; b < batch; b++) {
                DecodeKernels.rmsNorm(r.x[b], layer.ffnNorm, eps, r.xb[b], dim);
            }
            split.run(hidden, DecodeKernels.PANEL, (from, to) -> {
                DecodeKernels.matMul(layer.gate, r.xb, batch, r.gate, from, to, dim, hidden);
                DecodeKernels.matMul(layer.up, r.xb, batch, r.up, from, to, dim, hidden);
            });
            for (int b = 0; b < batch; b++) {
                DecodeKernels.siluMul(r.gate[b], r.up[b], hidden);
            }
            matMul(layer.down, r.gate, r.proj, batch, hidden, dim);
            for (int b = 0; b < batch; b++) {
                DecodeKernels.add(r.x[b], r.proj[b], dim);
            }
        }
        if (capture != null) {
            for (int b = 0; b < batch; b++) {
                capture.finalOutput(positions[b], r.x[b].clone());
            }
        }
        return r.x;
    }

    /** Raw logits [vocab] of a residual-stream row [dim]: final RMSNorm, then the classifier. */
    void logits(float[] residual, float[] out) {
        logits(new float[][] {residual}, new float[][] {out}, 1);
    }

    /** Raw logits {@code out[b]} [vocab] of residual rows {@code residuals[b]} [dim], b &lt; batch, in one pass over the classifier. */
    void logits(float[][] residuals, float[][] out, int batch) {
        Rows r = rowsFor(batch);
        for (int b = 0; b < batch; b++) {
            DecodeKernels.rmsNorm(residuals[b], finalNorm, eps, r.xb[b], dim);
        }
        matMul(classifier, r.xb, out, batch, dim, vocab);
    }

    /** y[b] = x[b] · W for b &lt; batch, W {@code [in][out]}; output columns split over the threads. */
    private void matMul(float[] w, float[][] x, float[][] y, int batch, int in, int out) {
        split.run(out, DecodeKernels.PANEL, (from, to) -> DecodeKernels.matMul(w, x, batch, y, from, to, in, out));
    }

    /** Scratch for {@code batch} rows, grown (never shrunk) as batches grow. */
    private Rows rowsFor(int batch) {
        if (batch > rows.capacity) {
            rows = new Rows(Math.max(batch, 2 * rows.capacity), dim, hidden, heads, headSize, kvDim, context);
        }
        return rows;
    }

    int threads() {
        return split.threads();
    }

    @Override
    public void close() {
        split.close();
    }

    int dim() {
        return dim;
    }

    int vocab() {
        return vocab;
    }

    /**
     * RoPE as jlama applies it (Hugging Face's rotate-half pairs i and i + headSize/2), including
     * its table offset: head h reads the row of position pos + 2·(kv head of h), for q and k
     * alike, so scores are unchanged and the cache holds exactly what jlama's prefill writes.
     */
    private void rotate(float[] q, float[] k, int pos) {
        int half = headSize / 2;
        for (int h = 0; h < heads; h++) {
            rotateHead(q, h * headSize, pos * half + (h / groupSize) * headSize, half);
        }
        for (int g = 0; g < kvDim / headSize; g++) {
            rotateHead(k, g * headSize, pos * half + g * headSize, half);
        }
    }

    private void rotateHead(float[] vec, int offset, int table, int half) {
        for (int j = 0; j < half; j++) {
            float[] f = rope[table + j];
            float a = vec[offset + j];
            float b = vec[offset + j + half];
            vec[offset + j] = a * f[0] - b * f[1];
            vec[offset + j + half] = a * f[1] + b * f[0];
        }
    }

    private static void store(AbstractTensor slot, float[] values) {
        MemorySegment.copy(values, 0, slot.getMemorySegment(), LE_FLOAT, 0, values.length);
    }

    /**
     * attOut[b] = per head softmax(q[b]·Kᵀ · scale) · V over row b's positions, for the (row, head)
     * pairs u in [from, to) (b = u / heads, h = u % heads), reading jlama's KV pages
     * ({@code [positions per page][kvDim]} each) in place.
     */
    private void attend(Rows r, int from, int to) {
        long rowBytes = (long) kvDim * Float.BYTES;
        for (int u = from; u < to; u++) {
            int b = u / heads;
            int h = u % heads;
            AbstractTensor[] keyPages = r.keyPages[b];
            AbstractTensor[] valuePages = r.valuePages[b];
            int positions = r.positions[b];
            int perPage = keyPages[0].shape().first();
            int qo = h * headSize;
            long ko = (long) (h / groupSize) * headSize * Float.BYTES;
            float[] scores = r.att[b][h];
            for (int page = 0, t = 0; t < positions; page++, t += perPage) {
                int count = Math.min(perPage, positions - t);
                DecodeKernels.scores(r.q[b], qo, keyPages[page].getMemorySegment(), ko, rowBytes, count, headSize, attentionScale, scores, t);
            }
            DecodeKernels.softmax(scores, positions);
            java.util.Arrays.fill(r.attOut[b], qo, qo + headSize, 0f);
            for (int page = 0, t = 0; t < positions; page++, t += perPage) {
                int count = Math.min(perPage, positions - t);
                DecodeKernels.weightedSum(scores, t, valuePages[page].getMemorySegment(), ko, rowBytes, count, headSize, r.attOut[b], qo);
            }
        }
    }

    /** A weight matrix {@code [out][in]} on disk (Hugging Face's layout), packed into {@link DecodeKernels#pack column panels}. */
    private static float[] packed(WeightLoader w, String name) {
        AbstractTensor t = w.load(name);
        return DecodeKernels.pack(floats(w, name), t.shape().first(), t.shape().last());
    }

    /** A weight tensor as a fresh row-major float array (F32 on disk). */
    private static float[] floats(WeightLoader w, String name) {
        AbstractTensor t = w.load(name);
        float[] out = new float[Math.toIntExact(t.size())];
        MemorySegment.copy(t.getMemorySegment(), LE_FLOAT, 0, out, 0, out.length);
        return out;
    }
}
