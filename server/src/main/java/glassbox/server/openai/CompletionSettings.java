package glassbox.server.openai;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.infer.SamplingParams;
import glassbox.model.infer.TraceOptions;
import glassbox.server.ApiError;

/**
 * The generation settings shared by {@code /v1/chat/completions} and {@code /v1/completions},
 * validated: OpenAI's fields plus the extensions {@code top_k}, {@code min_p},
 * {@code repetition_penalty}, {@code trace} and {@code grounding}. Unknown fields are ignored, as OpenAI does.
 */
record CompletionSettings(String model, Integer maxTokens, SamplingParams sampling, boolean seeded, List<String> stop, int n,
                          boolean logprobs, int topLogprobs, boolean stream, boolean includeUsage, String user,
                          boolean traceAttention, boolean traceLogitLens, Grounding grounding) {
    /** The {@code grounding} extension: copy the answer from the retrieved passages, or generate freely; null = the model's default. */
    enum Grounding {
        PASSAGES, OFF;

        static Grounding parse(String value) {
            if (value == null) {
                return null;
            }
            return switch (value) {
                case "passages" -> PASSAGES;
                case "off" -> OFF;
                default -> throw ApiError.invalid("Invalid value for 'grounding': expected \"passages\" or \"off\", got '"
                        + value + "'.", "grounding", "invalid_value");
            };
        }
    }

    static final int MAX_N = 8;
    static final int MAX_TOP_LOGPROBS = 20;

    /** @param chat true for chat (logprobs is a boolean), false for legacy completions (logprobs is a count). */
    static CompletionSettings parse(Fields f, boolean chat, int vocabSize) {
        String model = f.string("model", null);
        if (model == null || model.isBlank()) {
            throw ApiError.invalid("you must provide a model parameter", "model", "missing_required_parameter");
        }
        Integer maxTokens = f.integer("max_completion_tokens", null, 1, Integer.MAX_VALUE);
        if (maxTokens == null) {
            maxTokens = f.integer("max_tokens", null, 1, Integer.MAX_VALUE);
        }
        float temperature = (float) f.number("temperature", 1.0, 0, 2);
        float topP = (float) f.number("top_p", 1.0, 0, 1);
        if (topP <= 0) {
            throw ApiError.invalid("'top_p' must be greater than 0.", "top_p");
        }
        int topK = f.integer("top_k", 0, 0, vocabSize);
        float minP = (float) f.number("min_p", 0, 0, 1);
        float repetition = (float) f.number("repetition_penalty", 1.0, 0.01, 10);
        float presence = (float) f.number("presence_penalty", 0, -2, 2);
        float frequency = (float) f.number("frequency_penalty", 0, -2, 2);
        Long seed = f.longValue("seed");
        List<String> stop = f.stringOrList("stop", 4);
        for (String st : stop) {
            if (st.isEmpty() || st.length() > RequestLimits.MAX_STOP_CHARS) {
                throw ApiError.invalid("Each 'stop' string must hold 1 to " + RequestLimits.MAX_STOP_CHARS + " characters, got " + st.length() + ".",
                        "stop", "invalid_value");
            }
        }
        int n = f.integer("n", 1, 1, MAX_N);
        boolean logprobs;
        int topLogprobs;
        if (chat) {
            logprobs = f.bool("logprobs", false);
            topLogprobs = f.integer("top_logprobs", 0, 0, MAX_TOP_LOGPROBS);
            if (f.has("top_logprobs") && !logprobs) {
                throw ApiError.invalid("'top_logprobs' requires 'logprobs' to be true.", "top_logprobs");
            }
        } else {
            Integer count = f.integer("logprobs", null, 0, MAX_TOP_LOGPROBS);
            logprobs = count != null;
            topLogprobs = count == null ? 0 : count;
        }
        boolean stream = f.bool("stream", false);
        boolean includeUsage = false;
        JsonNode options = f.node("stream_options");
        if (options != null) {
            if (!options.isObject()) {
                throw Fields.wrongType("stream_options", "an object", options);
            }
            includeUsage = new Fields(options).bool("include_usage", false);
        }
        String user = f.string("user", null);
        boolean attention = false;
        boolean lens = false;
        JsonNode trace = f.node("trace");
        if (trace != null) {
            if (trace.isBoolean()) {
                attention = lens = trace.asBoolean();
            } else if (trace.isObject()) {
                Fields t = new Fields(trace);
                attention = t.bool("attention", false);
                lens = t.bool("logit_lens", false);
            } else {
                throw Fields.wrongType("trace", "an object like {\"attention\": true, \"logit_lens\": true}", trace);
            }
        }
        Grounding grounding = Grounding.parse(f.string("grounding", null));
        Map<Integer, Float> bias = logitBias(f.node("logit_bias"), vocabSize);
        long actualSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        SamplingParams sampling = new SamplingParams(temperature, topK, topP, minP, repetition, presence, frequency, bias, actualSeed);
        return new CompletionSettings(model, maxTokens, sampling, seed != null, stop, n, logprobs, topLogprobs, stream, includeUsage,
                user, attention, lens, grounding);
    }

    private static Map<Integer, Float> logitBias(JsonNode node, int vocabSize) {
        if (node == null) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw Fields.wrongType("logit_bias", "an object mapping token ids to numbers", node);
        }
        Map<Integer, Float> bias = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw ApiError.invalid("Invalid key in 'logit_bias': '" + e.getKey() + "' is not a token id.", "logit_bias");
            }
            if (id < 0 || id >= vocabSize) {
                throw ApiError.invalid("Invalid key in 'logit_bias': token id " + id + " is outside the vocabulary (0.."
                        + (vocabSize - 1) + ").", "logit_bias");
            }
            if (!e.getValue().isNumber() || Math.abs(e.getValue().asDouble()) > 100) {
                throw ApiError.invalid("Values in 'logit_bias' must be numbers between -100 and 100.", "logit_bias");
            }
            bias.put(id, (float) e.getValue().asDouble());
        }
        return bias;
    }

    TraceOptions traceOptions() {
        return new TraceOptions(true, traceAttention, traceLogitLens, Math.max(TraceOptions.DEFAULT_CANDIDATES, topLogprobs));
    }

    /** Choice i draws with seed + i, so n choices differ and each is reproducible. */
    SamplingParams samplingFor(int choice) {
        SamplingParams s = sampling;
        return new SamplingParams(s.temperature(), s.topK(), s.topP(), s.minP(), s.repetitionPenalty(), s.presencePenalty(),
                s.frequencyPenalty(), s.logitBias(), s.seed() + choice);
    }
}
