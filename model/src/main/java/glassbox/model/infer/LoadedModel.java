package glassbox.model.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tjake.jlama.model.llama.LlamaConfig;
import com.github.tjake.jlama.model.llama.LlamaTokenizer;
import com.github.tjake.jlama.safetensors.SafeTensorSupport;
import com.github.tjake.jlama.safetensors.WeightLoader;
import com.github.tjake.jlama.util.JsonSupport;
import com.github.tjake.jlama.util.PhysicalCoreExecutor;

import glassbox.model.tokenizer.BpeTokenizer;

/**
 * A Hugging Face Llama-layout directory loaded from disk: jlama's model (as the inspectable
 * subclass, built directly because jlama's {@code ModelSupport} can only build its own classes),
 * Glassbox's tokenizer, and a description of both.
 */
record LoadedModel(InspectableLlamaModel jlama, BpeTokenizer tokenizer, ModelInfo info) {

    /** Up to this hidden size one jlama thread serves faster than two: prefill 1,810 vs 677 tokens/s, decode 196 vs 214-244 (fork/join overhead dominates small matrices). */
    static final int SINGLE_THREAD_MAX_HIDDEN = 256;

    static LoadedModel load(Path dir, int threads) throws IOException {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new IOException("not a model directory (no config.json): " + dir.toAbsolutePath());
        }
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            throw new IOException("no model.safetensors in " + dir.toAbsolutePath());
        }
        JsonNode cfg = new ObjectMapper().readTree(configFile.toFile());
        String type = cfg.path("model_type").asText("");
        if (!type.equals("llama")) {
            throw new IOException("model_type '" + type + "' is not supported by the inspectable engine (only 'llama'): " + dir);
        }
        int hidden = cfg.path("hidden_size").asInt();
        int useThreads = threads > 0 ? threads : hidden <= SINGLE_THREAD_MAX_HIDDEN ? 1 : Runtime.getRuntime().availableProcessors();
        int actualThreads = setThreads(useThreads);

        LlamaConfig config = JsonSupport.om.readValue(configFile.toFile(), LlamaConfig.class);
        WeightLoader weights = SafeTensorSupport.loadWeights(dir.toFile());
        BpeTokenizer tokenizer = BpeTokenizer.load(dir);
        InspectableLlamaModel model = new InspectableLlamaModel(config, weights, new LlamaTokenizer(dir));

        int heads = cfg.path("num_attention_heads").asInt();
        int kvHeads = cfg.path("num_key_value_heads").asInt(heads);
        int maxPos = cfg.path("max_position_embeddings").asInt();
        // Without our own key, stay clear of the last positions where jlama's RoPE indexing overflows.
        int context = cfg.has("glassbox_context_length") ? cfg.get("glassbox_context_length").asInt() : maxPos - 2 * kvHeads;
        long params = weights.tensorInfoMap().values().stream().mapToLong(t -> {
            long n = 1;
            for (long d : t.shape) {
                n *= d;
            }
            return n;
        }).sum();
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        ModelInfo info = new ModelInfo(name, dir.toAbsolutePath().normalize(), "LlamaForCausalLM", cfg.path("vocab_size").asInt(), hidden,
                cfg.path("num_hidden_layers").asInt(), heads, kvHeads, cfg.path("intermediate_size").asInt(), context, maxPos,
                (float) cfg.path("rope_theta").asDouble(10_000), (float) cfg.path("rms_norm_eps").asDouble(1e-5), params,
                weights.getModelDType().name(), actualThreads);
        return new LoadedModel(model, tokenizer, info);
    }

    /** jlama's thread pool is fixed at first use, once per JVM; later loads share it. */
    private static synchronized int setThreads(int threads) {
        try {
            PhysicalCoreExecutor.overrideThreadCount(threads);
            chosenThreads = threads;
        } catch (IllegalStateException alreadyStarted) {
            // keep the pool that is running
        }
        return chosenThreads;
    }

    private static int chosenThreads = Math.max(2, Runtime.getRuntime().availableProcessors() / 2);
}
