package glassbox.model.infer;

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
 * jlama's Llama model with one addition: while a {@link LayerCapture} is set, the layer loop
 * (jlama's public {@code forward(embedding, pos, kv, reducer)}) copies each layer's input rows
 * out before running the layer. The layers themselves, the KV cache and the kernels stay jlama's.
 */
final class InspectableLlamaModel extends LlamaModel {
    private LayerCapture capture;

    InspectableLlamaModel(Config config, WeightLoader weights, Tokenizer tokenizer) {
        super(config, weights, tokenizer, DType.F32, DType.F32, Optional.empty());
    }

    /** Set before a forward pass and cleared after; null switches capturing off (the fast path). */
    void capture(LayerCapture capture) {
        this.capture = capture;
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
