package glassbox.model.infer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import com.github.tjake.jlama.model.llama.LlamaModel;
import com.github.tjake.jlama.safetensors.Config;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.WeightLoader;
import com.github.tjake.jlama.safetensors.tokenizer.Tokenizer;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;

/**
 * jlama's Llama model with two additions. While a {@link LayerCapture} is set, the layer loop
 * (jlama's public {@code forward(embedding, pos, kv, reducer)}) copies each layer's input rows
 * out before running the layer. And a single-token step without capture, and the classifier at
 * temperature 0, run on {@link FastDecoder}'s kernels instead of jlama's per-op tasks (about
 * 3× faster at hidden size 256); the engine also prefills, runs its batched decode steps and a
 * traced generation's steps (the fast decoder hands the capture the same rows) on
 * {@link #fastDecoder()} directly. The lab's whole-prompt inspections (every position's logits,
 * the lens, embeddings) still run jlama's traced loop; the KV cache stays jlama's.
 * {@code -Dglassbox.decodeThreads=N} sets the threads of the fast decoder (default 1; 0 switches
 * back to jlama's kernels for everything, for comparisons).
 */
final class InspectableLlamaModel extends LlamaModel {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private LayerCapture capture;
    private final FastDecoder fast;      // null: jlama's kernels for everything
    private final float[] residualRow;   // [dim] scratch for sample()
    private final float[] logitsRow;     // [vocab] scratch for sample()

    InspectableLlamaModel(Config config, WeightLoader weights, Tokenizer tokenizer) {
        this(config, weights, tokenizer, Integer.getInteger("glassbox.decodeThreads", 1));
    }

    /**
     * {@code decodeThreads}: threads of a fast single-token step, 0 for jlama's kernels. One is the
     * default: two halve the arithmetic per thread, but a step has ~30 hand-offs, and on a busy
     * shared machine a descheduled helper stalls each of them (measured at load 13 on 2 cores:
     * 15-17 tokens/s with 2 threads against 106-176 with 1; llama2.c's OpenMP run: 8-12 vs 161-170).
     */
    InspectableLlamaModel(Config config, WeightLoader weights, Tokenizer tokenizer, int decodeThreads) {
        super(config, weights, tokenizer, DType.F32, DType.F32, Optional.empty());
        this.fast = decodeThreads > 0 ? FastDecoder.forModel(c, weights, decodeThreads).orElse(null) : null;
        this.residualRow = new float[c.embeddingLength];
        this.logitsRow = new float[c.vocabularySize];
    }

    @Override
    public void close() {
        if (fast != null) {
            fast.close();
        }
        super.close();
    }

    /** Threads of a single-token step on {@link FastDecoder}; 0 when jlama's kernels run it. */
    int decodeThreads() {
        return fast == null ? 0 : fast.threads();
    }

    /** The fast decoder for batched steps (the engine's {@link DecodeBatcher}); null when jlama's kernels serve. */
    FastDecoder fastDecoder() {
        return fast;
    }

    /** Set before a forward pass and cleared after; null switches capturing off (the fast path). */
    void capture(LayerCapture capture) {
        this.capture = capture;
    }

    /** One token: {@link FastDecoder} unless a capture or a reducer needs jlama's layer loop. */
    @Override
    public AbstractTensor forward(int token, int pos, KvBufferCache.KvBuffer kv, Optional<Consumer<List<AbstractTensor>>> reducer) {
        if (fast == null || capture != null || reducer.isPresent()) {
            return super.forward(token, pos, kv, reducer);
        }
        float[] h = fast.forward(token, pos, kv);
        AbstractTensor out = makeDenseTensor(1, c.embeddingLength);
        MemorySegment.copy(h, 0, out.getMemorySegment(), LE_FLOAT, 0, h.length);
        return out;
    }

    /**
     * Final norm and classifier of one row; at temperature 0 (how the engine reads raw logits)
     * on {@link FastDecoder}: leaves the logits in {@code logits} and returns the argmax, as
     * jlama does.
     */
    @Override
    public int sample(AbstractTensor output, float temperature, float uniformSample, AbstractTensor logits) {
        if (fast == null || temperature != 0f || output.size() != c.embeddingLength) {
            return super.sample(output, temperature, uniformSample, logits);
        }
        MemorySegment.copy(output.getMemorySegment(), LE_FLOAT, 0, residualRow, 0, residualRow.length);
        fast.logits(residualRow, logitsRow);
        MemorySegment.copy(logitsRow, 0, logits.getMemorySegment(), LE_FLOAT, 0, logitsRow.length);
        int best = 0;
        for (int i = 1; i < logitsRow.length; i++) {
            if (logitsRow[i] > logitsRow[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public AbstractTensor forward(AbstractTensor embedding, int startPos, KvBufferCache.KvBuffer kv,
                                  Optional<Consumer<List<AbstractTensor>>> reducer) {
        LayerCapture cap = capture;
        if (cap == null) {
            return super.forward(embedding, startPos, kv, reducer);
        }
        AbstractTensor x = embedding;
        for (int layer = 0; layer < transformerBlocks.length; layer++) {
            copyRows(x, startPos, layer, cap);
            AbstractTensor next = transformerBlocks[layer].forward(x, startPos, kv, reducer);
            x.close();
            x = next;
        }
        copyRows(x, startPos, -1, cap);
        return x;
    }

    private void copyRows(AbstractTensor x, int startPos, int layer, LayerCapture cap) {
        int rows = x.shape().first();
        int width = c.embeddingLength;
        for (int r = 0; r < rows; r++) {
            float[] h = new float[width];
            for (int i = 0; i < width; i++) {
                h[i] = x.get(r, i);
            }
            if (layer < 0) {
                cap.finalOutput(startPos + r, h);
            } else {
                cap.layerInput(layer, startPos + r, h);
            }
        }
    }

    int layerCount() {
        return transformerBlocks.length;
    }
}
