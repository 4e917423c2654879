package glassbox.model.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Everything a training run depends on. Read from a JSON file whose keys are the record's
 * (snake_case) names; an unknown key is an error so a typo cannot be silently ignored.
 */
public record TrainingConfig(
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("hidden_size") int hiddenSize,
        @JsonProperty("num_hidden_layers") int numLayers,
        @JsonProperty("num_attention_heads") int numHeads,
        @JsonProperty("intermediate_size") int intermediateSize,
        @JsonProperty("context_length") int contextLength,
        @JsonProperty("rope_theta") float ropeTheta,
        @JsonProperty("batch_size") int batchSize,
        @JsonProperty("seq_len") int seqLen,
        @JsonProperty("max_steps") int maxSteps,
        @JsonProperty("learning_rate") float learningRate,
        @JsonProperty("min_learning_rate") float minLearningRate,
        @JsonProperty("warmup_steps") int warmupSteps,
        @JsonProperty("weight_decay") float weightDecay,
        @JsonProperty("grad_clip") float gradClip,
        @JsonProperty("eval_every") int evalEvery,
        @JsonProperty("eval_batches") int evalBatches,
        @JsonProperty("patience") int patience,
        @JsonProperty("validation_fraction") float validationFraction,
        @JsonProperty("threads") int threads,
        @JsonProperty("seed") long seed) {

    public static TrainingConfig defaults() {
        return new TrainingConfig(4096, 256, 6, 8, 688, 1024, 10_000f,
                4, 1024, 800, 1e-3f, 1e-4f, 100, 0.1f, 1.0f,
                100, 16, 4, 0.1f, Math.max(1, Runtime.getRuntime().availableProcessors()), 1234L);
    }

    public ModelConfig model() {
        return new ModelConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, contextLength, ropeTheta, 1e-5f);
    }

    public TrainingConfig {
        if (seqLen < 2 || seqLen > contextLength) {
            throw new IllegalArgumentException("seq_len must be between 2 and context_length (" + contextLength + "), got " + seqLen);
        }
        if (batchSize < 1 || maxSteps < 1 || evalEvery < 1 || evalBatches < 1 || threads < 1) {
            throw new IllegalArgumentException("batch_size, max_steps, eval_every, eval_batches and threads must be >= 1");
        }
        if (!(validationFraction > 0 && validationFraction < 0.5f)) {
            throw new IllegalArgumentException("validation_fraction must be in (0, 0.5), got " + validationFraction);
        }
    }

    public TrainingConfig withSteps(int steps) {
        return new TrainingConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, contextLength, ropeTheta,
                batchSize, seqLen, steps, learningRate, minLearningRate, Math.min(warmupSteps, Math.max(1, steps / 10)),
                weightDecay, gradClip, evalEvery, evalBatches, patience, validationFraction, threads, seed);
    }

    public TrainingConfig withSeed(long newSeed) {
        return new TrainingConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, contextLength, ropeTheta,
                batchSize, seqLen, maxSteps, learningRate, minLearningRate, warmupSteps,
                weightDecay, gradClip, evalEvery, evalBatches, patience, validationFraction, threads, newSeed);
    }

    public TrainingConfig withBatch(int batch, int seq) {
        return new TrainingConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, contextLength, ropeTheta,
                batch, seq, maxSteps, learningRate, minLearningRate, warmupSteps,
                weightDecay, gradClip, evalEvery, evalBatches, patience, validationFraction, threads, seed);
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /**
     * Reads a config file; keys left out keep their defaults. Also accepts a model's own
     * config.json keys that are not training settings (architectures, model_type...), so
     * {@code --config models/course-tiny/config.json} works.
     */
    public static TrainingConfig read(Path file) throws IOException {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(Files.readString(file));
        for (String ignored : glassbox.model.export.HfConfig.NON_TRAINING_KEYS) {
            tree.remove(ignored);
        }
        var merged = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.valueToTree(defaults());
        merged.setAll(tree);
        try {
            return JSON.treeToValue(merged, TrainingConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + ": unknown config key '" + e.getPropertyName() + "'");
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new IllegalArgumentException(file + ": " + cause.getMessage().lines().findFirst().orElse("invalid config"));
        }
    }
}
