package glassbox.model.export;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import glassbox.model.train.CurvePoint;
import glassbox.model.train.TrainingConfig;

/** training.json: how the model in this directory came to be. */
public record TrainingReport(
        @JsonProperty("model_name") String modelName,
        @JsonProperty("config") TrainingConfig config,
        @JsonProperty("seed") long seed,
        @JsonProperty("parameters") long parameters,
        @JsonProperty("steps") int steps,
        @JsonProperty("tokens_seen") long tokensSeen,
        @JsonProperty("train_tokens") int trainTokens,
        @JsonProperty("validation_tokens") int validationTokens,
        @JsonProperty("train_documents") int trainDocuments,
        @JsonProperty("validation_documents") List<String> validationDocuments,
        @JsonProperty("best_val_loss") float bestValLoss,
        @JsonProperty("final_train_loss") float finalTrainLoss,
        @JsonProperty("stopped_early") boolean stoppedEarly,
        @JsonProperty("wall_seconds") double wallSeconds,
        @JsonProperty("train_tokens_per_s") double trainTokensPerSecond,
        @JsonProperty("corpus_sha256") String corpusSha256,
        @JsonProperty("tokenizer_training_seconds") double tokenizerSeconds,
        @JsonProperty("java_version") String javaVersion,
        @JsonProperty("curve") List<CurvePoint> curve) {
}
