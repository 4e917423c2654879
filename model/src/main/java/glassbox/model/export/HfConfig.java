package glassbox.model.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import glassbox.model.train.ModelConfig;

/** Hugging Face {@code config.json} for a {@code LlamaForCausalLM}, written and read back. */
public final class HfConfig {
    /** Keys of config.json that are not training settings (ignored when it is used as --config). */
    public static final List<String> NON_TRAINING_KEYS = List.of("architectures", "model_type", "num_key_value_heads",
            "max_position_embeddings", "rms_norm_eps", "tie_word_embeddings", "bos_token_id", "eos_token_id",
            "pad_token_id", "torch_dtype", "hidden_act", "head_dim", "attention_bias", "mlp_bias", "initializer_range",
            "transformers_version", "use_cache", "glassbox_context_length");

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HfConfig() {
    }

    public static Map<String, Object> toJson(ModelConfig c, int bosId, int eosId, int padId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", List.of("LlamaForCausalLM"));
        m.put("model_type", "llama");
        m.put("vocab_size", c.vocabSize());
        m.put("hidden_size", c.hiddenSize());
        m.put("intermediate_size", c.intermediateSize());
        m.put("num_hidden_layers", c.numLayers());
        m.put("num_attention_heads", c.numHeads());
        m.put("num_key_value_heads", c.numHeads());
        m.put("head_dim", c.headDim());
        m.put("hidden_act", "silu");
        // See ModelConfig.exportedMaxPositions: a few spare RoPE positions for jlama's indexing.
        m.put("max_position_embeddings", c.exportedMaxPositions());
        m.put("glassbox_context_length", c.contextLength());
        m.put("rms_norm_eps", c.rmsNormEps());
        m.put("rope_theta", c.ropeTheta());
        m.put("tie_word_embeddings", true);
        m.put("attention_bias", false);
        m.put("mlp_bias", false);
        m.put("bos_token_id", bosId);
        m.put("eos_token_id", eosId);
        m.put("pad_token_id", padId);
        m.put("torch_dtype", "float32");
        return m;
    }

    public static void write(Path dir, ModelConfig c, int bosId, int eosId, int padId) throws IOException {
        JSON.writeValue(dir.resolve("config.json").toFile(), toJson(c, bosId, eosId, padId));
    }

    /** Reads the model shape back; the served context is glassbox_context_length when present. */
    public static ModelConfig read(Path dir) throws IOException {
        JsonNode n = JSON.readTree(Files.readString(dir.resolve("config.json")));
        int maxPos = n.path("max_position_embeddings").asInt();
        int context = n.has("glassbox_context_length") ? n.get("glassbox_context_length").asInt() : maxPos;
        return new ModelConfig(n.path("vocab_size").asInt(), n.path("hidden_size").asInt(), n.path("num_hidden_layers").asInt(),
                n.path("num_attention_heads").asInt(), n.path("intermediate_size").asInt(), context,
                (float) n.path("rope_theta").asDouble(10_000), (float) n.path("rms_norm_eps").asDouble(1e-5));
    }
}
