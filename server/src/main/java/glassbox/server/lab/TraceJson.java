package glassbox.server.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import glassbox.model.infer.Engine;
import glassbox.model.infer.FinishReason;
import glassbox.model.infer.GenerationResult;
import glassbox.model.infer.SamplingParams;
import glassbox.model.tokenizer.SpecialToken;
import glassbox.server.tutor.Citation;

/**
 * A generation as the inspector reads it from {@code /api/traces/{id}}: the prompt's tokens, the
 * sampling settings and filter order, which constraint decided the tokens, the passages of a
 * grounded answer, and per choice every token's trace.
 */
public final class TraceJson {
    private TraceJson() {
    }

    /**
     * @param constraint grounding, json, tool_call or null (the inspector labels each step's cut by it)
     */
    public static Map<String, Object> of(String traceId, String model, SamplingParams sampling, int[] promptIds, List<Citation> citations,
                                         String constraint, List<GenerationResult> results, Engine engine) {
        Map<String, Object> trace = new LinkedHashMap<>();
        trace.put("id", traceId);
        trace.put("model", model);
        trace.put("created", System.currentTimeMillis() / 1000);
        trace.put("sampling", sampling);
        trace.put("filter_order", SamplingParams.FILTER_ORDER);
        List<Map<String, Object>> promptTokens = new ArrayList<>();
        for (int id : promptIds) {
            promptTokens.add(TokenJson.of(engine.tokenizer(), id));
        }
        trace.put("prompt_tokens", promptTokens);
        trace.put("citations", citations);
        trace.put("constraint", constraint);
        trace.put("grounding", !"grounding".equals(constraint) ? null : Map.of("mode", "passages", "passages", citations.stream()
                .map(c -> Map.of("number", c.number(), "title", c.title(), "section", c.section(), "text", c.passage())).toList()));
        List<Map<String, Object>> choices = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            GenerationResult res = results.get(i);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("index", i);
            c.put("text", res.text());
            c.put("finish_reason", finishReason(res, constraint));
            c.put("cached_tokens", res.cachedTokens());
            c.put("prefill_ms", res.prefillMillis());
            c.put("decode_ms", res.decodeMillis());
            c.put("tokens", res.tokens());
            if (res.promptAttention() != null) {
                c.put("prompt_attention", res.promptAttention());
            }
            choices.add(c);
        }
        trace.put("choices", choices);
        trace.put("layers", engine.info().layers());
        trace.put("heads", engine.info().heads());
        return trace;
    }

    /** As the API reports it: a tool call the model finished is {@code tool_calls}, not the engine's {@code stop}. */
    public static String finishReason(GenerationResult res, String constraint) {
        boolean call = "tool_call".equals(constraint) && res.finishReason() == FinishReason.STOP
                && res.text().contains(SpecialToken.TOOL_CALL.text());
        return call ? "tool_calls" : res.finishReason().apiName();
    }
}
