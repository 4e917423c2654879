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
 * One decoding step of a Llama model (one token, batch 1) in the shape of llama2.c's
 * {@code forward()}: embedding row, then per layer RMSNorm → q, k, v → RoPE → attention over the
 * cache → output projection → residual → RMSNorm → SwiGLU → residual; the final RMSNorm and the
 * classifier are {@link #logits}. Same numbers as jlama's own layers (to float rounding), on the
 * same KV cache: keys and values go into jlama's {@code KvBuffer} pages exactly where (and as)
 * jlama writes them, so prefill by jlama and decoding here can be mixed freely.
 *
 * <p>Why not jlama's layers for this step: at hidden size 256 each jlama op is a fork/join task
 * over tensor objects, and the per-call overhead outweighs the arithmetic (profile and figures
 * in the model card's "Serving" section). The weights are copied once into plain float arrays
 * (the F32 weights are held twice: 23 MB more for course-tiny).
 *
 * <p>Matrix rows and attention heads are split over {@link SplitWork}'s two threads when it has
 * them, as llama2.c splits them over OpenMP threads.
 *
 * <p>Not thread-safe (one set of scratch buffers); the engine serializes forward passes.
 */
final class FastDecoder implements AutoCloseable {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One transformer block's weights, row-major {@code [out][in]}. */
    private record Layer(float[] attnNorm, float[] wq, float[] wk, float[] wv, float[] wo,
                         float[] ffnNorm, float[] gate, float[] up, float[] down) {
    }

    private final int dim;          // residual width
    private final int hidden;       // SwiGLU width
    private final int heads;
    private final int headSize;
    private final int kvDim;        // kv heads × head size
    private final int groupSize;    // query heads per kv head
    private final int vocab;
    private final float eps;
    private final float attentionScale;
    private final float[][] rope;   // jlama's table: [position·headSize/2 + index][cos, sin]
    private final float[] embed;    // [vocab][dim]
    private final float[] classifier; // [vocab][dim]; the embedding when tied
    private final float[] finalNorm;
    private final Layer[] layers;

    // scratch, reused every step
    private final float[] x;        // residual stream [dim]
    private final float[] xb;       // normed input [dim]
    private final float[] q;        // [heads·headSize]
    private final float[] k;        // [kvDim]
    private final float[] v;        // [kvDim]
    private final float[][] att;    // scores per head [heads][positions]
    private final float[] attOut;   // attention output [heads·headSize]
    private final float[] proj;     // projection back to [dim]
    private final float[] gate;     // [hidden]
    private final float[] up;       // [hidden]

    private final SplitWork split;
    private AbstractTensor[] keyPages;     // the current layer's cache, for attendHeads
    private AbstractTensor[] valuePages;
    private int positions;

    private FastDecoder(Config c, WeightLoader w, int threads) {
        split = new SplitWork(threads);
        dim = c.embeddingLength;
        hidden = c.hiddenLength;
        heads = c.numberOfHeads;
        headSize = c.headSize;
        kvDim = c.kvLength;
        groupSize = c.numberOfHeads / c.numberOfKeyValueHeads;
        vocab = c.vocabularySize;
        eps = c.layerNormEps;
        attentionScale = c.attentionMultiplier != null ? c.attentionMultiplier : (float) (1.0 / StrictMath.sqrt(c.headSize));
        rope = c.ropeFreqs.orElseThrow();
        embed = floats(w, "model.embed_tokens.weight");
        classifier = w.isWeightPresent("lm_head.weight") ? floats(w, "lm_head.weight") : embed;
        finalNorm = floats(w, "model.norm.weight");
        layers = new Layer[c.numberOfLayers];
        for (int l = 0; l < layers.length; l++) {
            String p = "model.layers." + l + ".";
            layers[l] = new Layer(floats(w, p + "input_layernorm.weight"),
                    floats(w, p + "self_attn.q_proj.weight"), floats(w, p + "self_attn.k_proj.weight"),
                    floats(w, p + "self_attn.v_proj.weight"), floats(w, p + "self_attn.o_proj.weight"),
                    floats(w, p + "post_attention_layernorm.weight"),
                    floats(w, p + "mlp.gate_proj.weight"), floats(w, p + "mlp.up_proj.weight"), floats(w, p + "mlp.down_proj.weight"));
        }
        x = new float[dim];
        xb = new float[dim];
        q = new float[heads * headSize];
        k = new float[kvDim];
        v = new float[kvDim];
        att = new float[heads][c.contextLength];
        attOut = new float[heads * headSize];
        proj = new float[dim];
        gate = new float[hidden];
        up = new float[hidden];
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
     * until the next call).
     */
    float[] forward(int token, int pos, KvBufferCache.KvBuffer kv) {
        System.arraycopy(embed, token * dim, x, 0, dim);
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            // attention: x += Wo · attend(rope(Wq·n(x)), cache ∪ rope(Wk·n(x)), cache ∪ Wv·n(x))
            DecodeKernels.rmsNorm(x, layer.attnNorm, eps, xb, dim);
            matVec(layer.wq, xb, q, heads * headSize, dim);
            matVec(layer.wk, xb, k, kvDim, dim);
            matVec(layer.wv, xb, v, kvDim, dim);
            rotate(pos);
            store(kv.getKeyTensorForPosition(l, pos), k);
            store(kv.getValTensorForPosition(l, pos), v);
            keyPages = kv.getKeyTensorsUptoPosition(l, pos);
            valuePages = kv.getValTensorsUptoPosition(l, pos);
            positions = pos + 1;
            split.run(heads, 1, this::attendHeads);
            matVec(layer.wo, attOut, proj, dim, heads * headSize);
            DecodeKernels.add(x, proj, dim);
            // feed-forward: x += Wdown · (silu(Wgate·n(x)) ⊙ Wup·n(x))
            DecodeKernels.rmsNorm(x, layer.ffnNorm, eps, xb, dim);
            split.run(hidden, 4, (a, b) -> {
                DecodeKernels.matVec(layer.gate, xb, gate, a, b, dim);
                DecodeKernels.matVec(layer.up, xb, up, a, b, dim);
            });
            DecodeKernels.siluMul(gate, up, hidden);
            matVec(layer.down, gate, proj, dim, hidden);
            DecodeKernels.add(x, proj, dim);
        }
        return x;
    }

    /** Raw logits [vocab] of a residual-stream row [dim]: final RMSNorm, then the classifier. */
    void logits(float[] residual, float[] out) {
        DecodeKernels.rmsNorm(residual, finalNorm, eps, xb, dim);
        matVec(classifier, xb, out, vocab, dim);
    }

    /** y = W · x, rows split over the threads. */
    private void matVec(float[] w, float[] x, float[] y, int rows, int cols) {
        split.run(rows, 4, (a, b) -> DecodeKernels.matVec(w, x, y, a, b, cols));
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
    private void rotate(int pos) {
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
     * attOut = per head softmax(q·Kᵀ · scale) · V over positions 0..pos for heads [headFrom,
     * headTo), reading jlama's KV pages ({@code [positions per page][kvDim]} each) in place.
     */
    private void attendHeads(int headFrom, int headTo) {
        int perPage = keyPages[0].shape().first();
        long rowBytes = (long) kvDim * Float.BYTES;
        for (int h = headFrom; h < headTo; h++) {
            int qo = h * headSize;
            long ko = (long) (h / groupSize) * headSize * Float.BYTES;
            float[] scores = att[h];
            for (int page = 0, t = 0; t < positions; page++, t += perPage) {
                int count = Math.min(perPage, positions - t);
                DecodeKernels.scores(q, qo, keyPages[page].getMemorySegment(), ko, rowBytes, count, headSize, attentionScale, scores, t);
            }
            DecodeKernels.softmax(scores, positions);
            java.util.Arrays.fill(attOut, qo, qo + headSize, 0f);
            for (int page = 0, t = 0; t < positions; page++, t += perPage) {
                int count = Math.min(perPage, positions - t);
                DecodeKernels.weightedSum(scores, t, valuePages[page].getMemorySegment(), ko, rowBytes, count, headSize, attOut, qo);
            }
        }
    }

    /** A weight tensor as a fresh row-major float array (F32 on disk). */
    private static float[] floats(WeightLoader w, String name) {
        AbstractTensor t = w.load(name);
        float[] out = new float[Math.toIntExact(t.size())];
        MemorySegment.copy(t.getMemorySegment(), LE_FLOAT, 0, out, 0, out.length);
        return out;
    }
}
