package glassbox.model.infer;

import java.util.List;
import java.util.Map;

/**
 * How the next token is chosen. {@code temperature == 0} means greedy; {@code topK <= 0},
 * {@code topP >= 1} and {@code minP <= 0} switch those filters off; penalties of 0 (and a
 * repetition penalty of 1) do nothing.
 */
public record SamplingParams(float temperature, int topK, float topP, float minP,
                             float repetitionPenalty, float presencePenalty, float frequencyPenalty,
                             Map<Integer, Float> logitBias, long seed) {

    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, Map.of(), 0L);
    }

    public static SamplingParams of(float temperature, int topK, float topP, long seed) {
        return new SamplingParams(temperature, topK, topP, 0f, 1f, 0f, 0f, Map.of(), seed);
    }

    public SamplingParams {
        logitBias = Map.copyOf(logitBias);
        check(temperature >= 0 && temperature <= 100, "temperature must be between 0 and 100");
        check(topP > 0 && topP <= 1, "top_p must be in (0, 1]");
        check(minP >= 0 && minP <= 1, "min_p must be in [0, 1]");
        check(repetitionPenalty > 0, "repetition_penalty must be positive");
        check(presencePenalty >= -2 && presencePenalty <= 2, "presence_penalty must be between -2 and 2");
        check(frequencyPenalty >= -2 && frequencyPenalty <= 2, "frequency_penalty must be between -2 and 2");
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The filters in the order {@link Sampler} applies them, for documentation and traces. */
    public static final List<String> FILTER_ORDER = List.of("logit_bias", "repetition_penalty", "presence_penalty",
            "frequency_penalty", "constraints", "temperature", "softmax", "top_k", "top_p", "min_p", "renormalize", "draw");
}
