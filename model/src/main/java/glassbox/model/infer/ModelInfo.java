package glassbox.model.infer;

import java.nio.file.Path;

/**
 * What is loaded, as {@code GET /api/model} reports it. {@code contextLength} is the context the
 * engine enforces: the trained one ({@code glassbox_context_length}), which is smaller than
 * {@code max_position_embeddings} because jlama reads a few RoPE rows past the last position.
 */
public record ModelInfo(String name, Path dir, String architecture, int vocabSize, int hiddenSize, int layers,
                        int heads, int kvHeads, int intermediateSize, int contextLength, int maxPositionEmbeddings,
                        float ropeTheta, float rmsNormEps, long parameters, String dtype, int threads) {

    /** Bytes of KV cache one position takes: keys and values, every layer, F32. */
    public long kvBytesPerToken() {
        return 2L * layers * kvHeads * (hiddenSize / heads) * Float.BYTES;
    }
}
