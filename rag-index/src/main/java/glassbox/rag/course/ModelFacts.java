package glassbox.rag.course;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The numbers about the trained model that lessons quote, read from its {@code config.json} and
 * {@code training.json} and formatted as a reader sees them ("5,795,072"). Lessons name them with
 * placeholders such as {@code {{training.tokens_seen}}} (see {@link Placeholders}), so a retrained
 * model can never leave a lesson quoting stale figures.
 */
public record ModelFacts(Map<String, String> values) {

    public ModelFacts {
        values = Map.copyOf(values);
    }

    public static ModelFacts none() {
        return new ModelFacts(Map.of());
    }

    /** The facts of the model in {@code modelDir}; none when it holds no {@code training.json}. */
    public static ModelFacts load(Path modelDir) {
        Path training = modelDir.resolve("training.json");
        if (!Files.exists(training)) {
            return none();
        }
        try {
            ObjectMapper json = new ObjectMapper();
            return of(json.readTree(modelDir.resolve("config.json").toFile()), json.readTree(training.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model facts in " + modelDir + ": " + e.getMessage(), e);
        }
    }

    /** The facts from a parsed {@code config.json} and {@code training.json}. */
    static ModelFacts of(JsonNode config, JsonNode training) {
        JsonNode tc = training.path("config");
        long parameters = training.path("parameters").asLong();
        long tokensSeen = training.path("tokens_seen").asLong();
        long trainTokens = training.path("train_tokens").asLong();
        Map<String, String> v = new TreeMap<>();
        v.put("model.parameters", integer(parameters));
        v.put("model.parameters_millions", String.format(Locale.ROOT, "%.1f", parameters / 1e6));
        v.put("model.layers", integer(config.path("num_hidden_layers").asLong()));
        v.put("model.hidden_size", integer(config.path("hidden_size").asLong()));
        v.put("model.heads", integer(config.path("num_attention_heads").asLong()));
        v.put("model.vocab_size", integer(config.path("vocab_size").asLong()));
        int context = config.path("glassbox_context_length").asInt(config.path("max_position_embeddings").asInt());
        v.put("model.context_length", integer(context));
        contextFacts(config, context, v);
        v.put("training.steps", integer(training.path("steps").asLong()));
        v.put("training.tokens_seen", integer(tokensSeen));
        v.put("training.train_tokens", integer(trainTokens));
        v.put("training.validation_tokens", integer(training.path("validation_tokens").asLong()));
        v.put("training.train_documents", integer(training.path("train_documents").asLong()));
        v.put("training.validation_documents", integer(training.path("validation_documents").size()));
        v.put("training.best_val_loss", String.format(Locale.ROOT, "%.3f", training.path("best_val_loss").asDouble()));
        v.put("training.final_train_loss", String.format(Locale.ROOT, "%.3f", training.path("final_train_loss").asDouble()));
        v.put("training.best_val_perplexity", String.format(Locale.ROOT, "%.1f", Math.exp(training.path("best_val_loss").asDouble())));
        v.put("training.first_loss", String.format(Locale.ROOT, "%.3f", training.path("curve").path(0).path("train_loss").asDouble()));
        long validationTokens = training.path("validation_tokens").asLong();
        v.put("training.validation_share", String.format(Locale.ROOT, "%.1f%%", 100.0 * validationTokens / Math.max(1, trainTokens + validationTokens)));
        v.put("training.epochs", String.format(Locale.ROOT, "%.1f", tokensSeen / (double) Math.max(1, trainTokens)));
        v.put("training.tokens_per_parameter", String.format(Locale.ROOT, "%.2f", tokensSeen / (double) Math.max(1, parameters)));
        v.put("training.flops", powerOfTen(6.0 * parameters * tokensSeen));
        v.put("training.wall_minutes", integer(Math.round(training.path("wall_seconds").asDouble() / 60)));
        v.put("training.batch_size", integer(tc.path("batch_size").asLong()));
        v.put("training.seq_len", integer(tc.path("seq_len").asLong()));
        v.put("training.batch_tokens", integer(tc.path("batch_size").asLong() * tc.path("seq_len").asLong()));
        v.put("training.warmup_steps", integer(tc.path("warmup_steps").asLong()));
        v.put("training.eval_every", integer(tc.path("eval_every").asLong()));
        v.put("training.patience", integer(tc.path("patience").asLong()));
        return new ModelFacts(v);
    }

    /**
     * What the context length implies, as lessons 18 and 20 work it out: the KV cache of a full
     * window in float32, and how far RoPE's pairs turn over the trained positions 0 … n−1 (pair i
     * turns by ω_i = θ^(−2i/d) radians per position; a pair that never completes a turn meets new
     * angles past the trained length).
     */
    private static void contextFacts(JsonNode config, int context, Map<String, String> v) {
        int layers = config.path("num_hidden_layers").asInt();
        int heads = config.path("num_attention_heads").asInt();
        int kvHeads = config.path("num_key_value_heads").asInt(heads);
        int headDim = config.path("head_dim").asInt(heads == 0 ? 0 : config.path("hidden_size").asInt() / heads);
        double theta = config.path("rope_theta").asDouble(10_000);
        long cacheBytes = 2L * layers * kvHeads * headDim * context * Float.BYTES;
        v.put("model.kv_cache_bytes", integer(cacheBytes));
        v.put("model.kv_cache_mib", decimal(cacheBytes / (double) (1 << 20)));
        int pairs = headDim / 2;
        int last = context - 1;
        v.put("model.rope_pairs", integer(pairs));
        v.put("model.rope_fastest_turns", integer((long) Math.floor(last / (2 * Math.PI))));
        long slow = java.util.stream.IntStream.range(0, pairs).filter(i -> last * Math.pow(theta, -2.0 * i / headDim) < 2 * Math.PI).count();
        v.put("model.rope_slow_pairs", integer(slow));
        v.put("model.rope_slowest_radians", String.format(Locale.ROOT, "%.2f", last * Math.pow(theta, -2.0 * (pairs - 1) / headDim)));
    }

    /** 6.0 → "6", 1.5 → "1.5". */
    static String decimal(double x) {
        return x == Math.rint(x) ? integer((long) x) : String.format(Locale.ROOT, "%.1f", x);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    static String integer(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** 1.14e14 → "1.1 × 10¹⁴", readable in plain text and in the tutor's quotes alike. */
    static String powerOfTen(double x) {
        int exponent = (int) Math.floor(Math.log10(x));
        double mantissa = x / Math.pow(10, exponent);
        StringBuilder sup = new StringBuilder();
        for (char c : Integer.toString(exponent).toCharArray()) {
            sup.append("⁰¹²³⁴⁵⁶⁷⁸⁹".charAt(c - '0'));
        }
        return String.format(Locale.ROOT, "%.1f × 10%s", mantissa, sup);
    }
}
