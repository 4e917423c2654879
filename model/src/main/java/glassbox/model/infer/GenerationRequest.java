package glassbox.model.infer;

import java.util.function.Supplier;

import glassbox.model.infer.constraint.Constraint;

import java.util.List;
import java.util.Set;

/**
 * One generation: prompt token ids, how many tokens at most, how to sample, what stops it
 * (stop strings end the text before them; stop token ids, e.g. {@code <|end|>}, are not part of
 * the output), what to trace, optionally a session id whose KV cache may hold a prefix, and
 * optionally a constraint (a fresh one per generation; null for none).
 */
public record GenerationRequest(int[] prompt, int maxTokens, SamplingParams sampling, List<String> stop,
                                Set<Integer> stopTokens, TraceOptions trace, String sessionId,
                                Supplier<Constraint> constraint) {
    public static final int MAX_STOP_STRINGS = 4;

    /** A request without a constraint. */
    public GenerationRequest(int[] prompt, int maxTokens, SamplingParams sampling, List<String> stop, Set<Integer> stopTokens,
                             TraceOptions trace, String sessionId) {
        this(prompt, maxTokens, sampling, stop, stopTokens, trace, sessionId, null);
    }

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
