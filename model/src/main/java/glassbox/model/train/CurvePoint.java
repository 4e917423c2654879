package glassbox.model.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One line of metrics: a training step, with the validation loss on evaluation steps. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CurvePoint(@JsonProperty("step") int step,
                         @JsonProperty("train_loss") float trainLoss,
                         @JsonProperty("val_loss") Float valLoss,
                         @JsonProperty("lr") float lr,
                         @JsonProperty("grad_norm") float gradNorm,
                         @JsonProperty("tokens_seen") long tokensSeen,
                         @JsonProperty("tokens_per_s") float tokensPerSecond) {
}
