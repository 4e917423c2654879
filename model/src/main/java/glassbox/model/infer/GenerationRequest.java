package glassbox.model.infer;

import java.util.List;
import java.util.Set;

/**
 * One generation: prompt token ids, how many tokens at most, how to sample, what stops it
 * (stop strings end the text before them; stop token ids, e.g. {@code <|end|>}, are not part of
 * the output), what to trace, and optionally a session id whose KV cache may hold a prefix.
 */
public record GenerationRequest(int[] prompt, int maxTokens, SamplingParams sampling, List<String> stop,
                                Set<Integer> stopTokens, TraceOptions trace, String sessionId) {
    public static final int MAX_STOP_STRINGS = 4;

    public GenerationRequest {
        if (prompt == null || prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must contain at least one token");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max tokens must be at least 1, got " + maxTokens);
        }
        stop = stop == null ? List.of() : stop.stream().filter(s -> s != null && !s.isEmpty()).toList();
        if (stop.size() > MAX_STOP_STRINGS) {
            throw new IllegalArgumentException("at most " + MAX_STOP_STRINGS + " stop strings are allowed");
        }
        stopTokens = stopTokens == null ? Set.of() : Set.copyOf(stopTokens);
        trace = trace == null ? TraceOptions.OFF : trace;
        prompt = prompt.clone();
    }
}
