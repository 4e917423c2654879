package glassbox.model.train;

/**
 * The shape of a Llama-style decoder. {@code contextLength} is the longest sequence the model is
 * trained and served with; the exported config.json advertises a few more RoPE positions (see
 * {@link #exportedMaxPositions()}).
 */
public record ModelConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads,
                          int intermediateSize, int contextLength, float ropeTheta, float rmsNormEps) {

    /** The default model's shape: about 5.8 M parameters. */
    public static ModelConfig courseTiny(int vocabSize) {
        return new ModelConfig(vocabSize, 256, 6, 8, 688, 1024, 10_000f, 1e-5f);
    }

    public ModelConfig {
        require(vocabSize > 0, "vocab_size must be positive");
        require(hiddenSize > 0 && numHeads > 0 && hiddenSize % numHeads == 0,
                "hidden_size (" + hiddenSize + ") must be a positive multiple of num_attention_heads (" + numHeads + ")");
        require((hiddenSize / numHeads) % 2 == 0, "head dimension must be even for RoPE");
        require(numLayers > 0, "num_hidden_layers must be positive");
        require(intermediateSize > 0, "intermediate_size must be positive");
        require(contextLength > 1, "context length must be at least 2");
        require(ropeTheta > 0 && rmsNormEps > 0, "rope_theta and rms_norm_eps must be positive");
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /**
     * jlama 0.8.4 reads its RoPE table at {@code position + 2·kvHead}, so the last positions of
     * a multi-head model run past a table sized exactly to the context. RoPE has no learned
     * positions, so advertising {@code 2·heads} extra positions costs nothing; the engine still
     * refuses anything longer than {@link #contextLength()}.
     */
    public int exportedMaxPositions() {
        return contextLength + 2 * numHeads;
    }

    /** Parameters with the output head tied to the token embedding. */
    public long parameterCount() {
        long h = hiddenSize, f = intermediateSize;
        long perLayer = 2 * h + 4 * h * h + 3 * h * f;
        return (long) vocabSize * h + numLayers * perLayer + h;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
