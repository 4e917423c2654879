package glassbox.server.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.infer.Candidate;
import glassbox.model.infer.CandidateTrace;
import glassbox.model.infer.Engine;
import glassbox.model.infer.GenerationRequest;
import glassbox.model.infer.GenerationResult;
import glassbox.model.infer.Sampler;
import glassbox.model.infer.SamplingParams;
import glassbox.model.infer.SamplingStep;
import glassbox.model.infer.TokenTrace;
import glassbox.model.infer.TraceOptions;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.server.ApiError;

/**
 * One turn of the inference loop, as the lab's step widgets take it: the tokens so far (ids, or a
 * text to tokenize) go through the real engine, which chooses one next token with the given
 * sampling settings and reports its candidates. With a {@code session} the engine keeps the KV
 * cache between calls, so a step that sends the previous ids plus one new token computes only that
 * token ({@code cached_tokens} says how many positions came from the cache).
 */
final class GenerationStep {
    static final int CANDIDATES = 10;
    private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** A validated request: the ids, how to choose, and the KV session key (or null). */
    record Request(int[] ids, SamplingParams sampling, String session) {
    }

    private final Engine engine;
    private final BpeTokenizer tokenizer;

    GenerationStep(Engine engine) {
        this.engine = engine;
        this.tokenizer = engine.tokenizer();
    }

    /** Reads {ids | text, temperature, top_k, top_p, min_p, seed, session}; anything wrong is a 400 naming the field. */
    Request parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.invalid("The request body must be a JSON object.", null);
        }
        int[] ids;
        JsonNode idsNode = present(body, "ids");
        JsonNode textNode = present(body, "text");
        if ((idsNode == null) == (textNode == null)) {
            throw ApiError.invalid("Send exactly one of 'ids' (token ids) or 'text'.", idsNode == null ? "text" : "ids");
        }
        int context = engine.info().contextLength();
        if (idsNode != null) {
            if (!idsNode.isArray()) {
                throw ApiError.invalid("'ids' must be an array of token ids.", "ids");
            }
            if (idsNode.size() > context) {
                throw ApiError.invalid("'ids' holds " + idsNode.size() + " tokens; the context is " + context + ".", "ids");
            }
            ids = new int[idsNode.size()];
            for (int i = 0; i < ids.length; i++) {
                JsonNode id = idsNode.get(i);
                if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0 || id.asInt() >= tokenizer.vocabSize()) {
                    throw ApiError.invalid("ids[" + i + "] = " + id + " is not a token id (0.." + (tokenizer.vocabSize() - 1) + ").", "ids");
                }
                ids[i] = id.asInt();
            }
        } else {
            if (!textNode.isTextual()) {
                throw ApiError.invalid("'text' must be a string.", "text");
            }
            if (textNode.asText().length() > LabApi.MAX_TEXT_CHARS) {
                throw ApiError.invalid("'text' is longer than " + LabApi.MAX_TEXT_CHARS + " characters.", "text");
            }
            ids = tokenizer.encode(textNode.asText());
        }
        if (ids.length == 0) {
            throw ApiError.invalid("There is no token to continue: the text or ids are empty.", idsNode == null ? "text" : "ids");
        }
        float temperature = (float) number(body, "temperature", 0, 0, 2);
        int topK = (int) integer(body, "top_k", 0, 0, tokenizer.vocabSize());
        float topP = (float) number(body, "top_p", 1, 0.01, 1);
        float minP = (float) number(body, "min_p", 0, 0, 1);
        long seed = integer(body, "seed", 0, 0, Long.MAX_VALUE);
        JsonNode s = present(body, "session");
        if (s != null && !(s.isTextual() && SESSION.matcher(s.asText()).matches())) {
            throw ApiError.invalid("'session' must be 1-64 letters, digits, '-' or '_'.", "session");
        }
        SamplingParams sampling = new SamplingParams(temperature, topK, topP, minP, 1f, 0f, 0f, Map.of(), seed);
        return new Request(ids, sampling, s == null ? null : "lab-step:" + s.asText());
    }

    /**
     * Runs the step. The engine reports no trace for an end token (it stops there), so then the
     * same choice is made again on the same logits with the same seeded sampler, to show its candidates.
     */
    Map<String, Object> run(Request req) {
        GenerationResult result = engine.generate(new GenerationRequest(req.ids(), 1, req.sampling(), List.of(), null,
                new TraceOptions(true, false, false, CANDIDATES), req.session()), null, null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt_tokens", req.ids().length);
        m.put("cached_tokens", result.cachedTokens());
        m.put("computed_tokens", req.ids().length - result.cachedTokens());
        List<Map<String, Object>> candidates = new ArrayList<>();
        if (!result.tokens().isEmpty()) {
            TokenTrace t = result.tokens().getFirst();
            m.put("token", TokenJson.of(tokenizer, t.id()));
            m.put("end", false);
            m.put("prob", t.prob());
            m.put("draw", t.draw());
            m.put("survivors", t.survivors());
            for (CandidateTrace c : t.candidates()) {
                candidates.add(candidate(c.id(), c.logit(), c.prob(), c.survived()));
            }
        } else {
            SamplingStep step = new Sampler(req.sampling(), CANDIDATES).next(engine.nextTokenLogits(req.ids()), counts(req.ids()));
            m.put("token", TokenJson.of(tokenizer, step.tokenId()));
            m.put("end", true);
            m.put("prob", step.prob());
            m.put("draw", Double.isNaN(step.draw()) ? null : step.draw());
            m.put("survivors", step.survivors());
            for (Candidate c : step.candidates()) {
                candidates.add(candidate(c.id(), c.logit(), c.prob(), c.survived()));
            }
        }
        m.put("candidates", candidates);
        return m;
    }

    private int[] counts(int[] ids) {
        int[] counts = new int[tokenizer.vocabSize()];
        for (int id : ids) {
            counts[id]++;
        }
        return counts;
    }

    private Map<String, Object> candidate(int id, float logit, float prob, boolean kept) {
        Map<String, Object> c = TokenJson.of(tokenizer, id);
        c.put("logit", logit);
        c.put("prob", prob);
        c.put("kept", kept);
        return c;
    }

    private static JsonNode present(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n;
    }

    private static double number(JsonNode body, String field, double def, double min, double max) {
        JsonNode n = present(body, field);
        if (n == null) {
            return def;
        }
        if (!n.isNumber() || !(n.asDouble() >= min && n.asDouble() <= max)) {
            throw ApiError.invalid("'" + field + "' must be a number from " + min + " to " + max + ", got " + n + ".", field);
        }
        return n.asDouble();
    }

    private static long integer(JsonNode body, String field, long def, long min, long max) {
        JsonNode n = present(body, field);
        if (n == null) {
            return def;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw ApiError.invalid("'" + field + "' must be an integer from " + min + " to " + max + ", got " + n + ".", field);
        }
        return n.asLong();
    }
}
