package glassbox.server.openai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import glassbox.model.infer.CandidateTrace;
import glassbox.model.infer.FinishReason;
import glassbox.model.infer.GenerationResult;
import glassbox.model.infer.TokenTrace;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.server.tutor.Citation;

/** Response bodies and stream chunks in the OpenAI shapes, for one request. */
record Responses(String id, String object, String model, long created, String fingerprint, BpeTokenizer tokenizer) {

    private Map<String, Object> head(String obj) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", obj);
        m.put("created", created);
        m.put("model", model);
        m.put("system_fingerprint", fingerprint);
        return m;
    }

    /** @param toolCalls whether an answer may hold a tool call (then it is returned as {@code message.tool_calls}) */
    Map<String, Object> chat(List<GenerationResult> results, CompletionSettings s, String traceId, List<Citation> citations,
                             boolean toolCalls) {
        Map<String, Object> m = head("chat.completion");
        List<Map<String, Object>> choices = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            GenerationResult r = results.get(i);
            ToolCallText call = toolCalls ? ToolCallText.of(r, tokenizer) : new ToolCallText(r.text(), null, null, false);
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", "assistant");
            message.put("content", call.hasCall() && call.content().isEmpty() ? null : call.content());
            message.put("refusal", null);
            if (call.hasCall()) {
                Map<String, Object> tc = new LinkedHashMap<>();
                tc.put("id", ToolCallText.newId());
                tc.put("type", "function");
                tc.put("function", Map.of("name", call.name(), "arguments", call.arguments()));
                message.put("tool_calls", List.of(tc));
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("index", i);
            c.put("message", message);
            c.put("logprobs", s.logprobs() ? Map.of("content", chatLogprobs(r.tokens(), s.topLogprobs())) : null);
            c.put("finish_reason", finish(r.finishReason(), call.hasCall()));
            choices.add(c);
        }
        m.put("choices", choices);
        m.put("usage", usage(results));
        m.put("trace_id", traceId);
        if (citations != null) {
            m.put("citations", citations(citations));
        }
        return m;
    }

    Map<String, Object> completion(List<GenerationResult> results, CompletionSettings s, String traceId) {
        Map<String, Object> m = head("text_completion");
        List<Map<String, Object>> choices = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            GenerationResult r = results.get(i);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("text", r.text());
            c.put("index", i);
            c.put("logprobs", s.logprobs() ? legacyLogprobs(r.tokens(), s.topLogprobs(), 0) : null);
            c.put("finish_reason", finish(r.finishReason()));
            choices.add(c);
        }
        m.put("choices", choices);
        m.put("usage", usage(results));
        m.put("trace_id", traceId);
        return m;
    }

    Map<String, Object> chatRoleChunk(int index, boolean includeUsage, String traceId, List<Citation> citations) {
        Map<String, Object> delta = new LinkedHashMap<>();
        delta.put("role", "assistant");
        delta.put("content", "");
        Map<String, Object> m = chunk(index, delta, null, null, includeUsage);
        m.put("trace_id", traceId);
        if (citations != null) {
            m.put("citations", citations(citations));
        }
        return m;
    }

    Map<String, Object> chatDeltaChunk(int index, String text, List<TokenTrace> tokens, CompletionSettings s) {
        Object logprobs = s.logprobs() ? Map.of("content", chatLogprobs(tokens, s.topLogprobs())) : null;
        return chunk(index, Map.of("content", text), logprobs, null, s.includeUsage());
    }

    /** One {@code delta.tool_calls} entry (see {@link ToolCallStream}). */
    Map<String, Object> chatToolCallChunk(int index, Map<String, Object> toolCall, boolean includeUsage) {
        return chunk(index, Map.of("tool_calls", List.of(toolCall)), null, null, includeUsage);
    }

    Map<String, Object> chatFinishChunk(int index, FinishReason reason, boolean calledTool, boolean includeUsage) {
        return chunk(index, Map.of(), null, finish(reason, calledTool), includeUsage);
    }

    private Map<String, Object> chunk(int index, Map<String, Object> delta, Object logprobs, String finish, boolean includeUsage) {
        Map<String, Object> m = head("chat.completion.chunk");
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("index", index);
        c.put("delta", delta);
        c.put("logprobs", logprobs);
        c.put("finish_reason", finish);
        m.put("choices", List.of(c));
        if (includeUsage) {
            m.put("usage", null);
        }
        return m;
    }

    Map<String, Object> completionChunk(int index, String text, List<TokenTrace> tokens, CompletionSettings s, FinishReason reason) {
        Map<String, Object> m = head("text_completion");
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("text", text);
        c.put("index", index);
        c.put("logprobs", s.logprobs() && !tokens.isEmpty() ? legacyLogprobs(tokens, s.topLogprobs(), 0) : null);
        c.put("finish_reason", reason == null ? null : finish(reason));
        m.put("choices", List.of(c));
        if (s.includeUsage()) {
            m.put("usage", null);
        }
        return m;
    }

    Map<String, Object> usageChunk(List<GenerationResult> results) {
        Map<String, Object> m = head(object.equals("chat.completion") ? "chat.completion.chunk" : "text_completion");
        m.put("choices", List.of());
        m.put("usage", usage(results));
        return m;
    }

    /** Prompt tokens are counted once (the n choices share the prompt), completion tokens for every choice. */
    static Map<String, Object> usage(List<GenerationResult> results) {
        int prompt = results.isEmpty() ? 0 : results.getFirst().promptTokens();
        int completion = results.stream().mapToInt(GenerationResult::completionTokens).sum();
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        int cached = results.isEmpty() ? 0 : results.getFirst().cachedTokens();
        u.put("prompt_tokens_details", Map.of("cached_tokens", cached));
        return u;
    }

    private static String finish(FinishReason r) {
        return finish(r, false);
    }

    /** A call that ended on its own is finish_reason {@code tool_calls}; one cut by max_tokens is {@code length}. */
    private static String finish(FinishReason r, boolean calledTool) {
        return r == FinishReason.LENGTH ? "length" : calledTool ? "tool_calls" : "stop";
    }

    private List<Map<String, Object>> chatLogprobs(List<TokenTrace> tokens, int top) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TokenTrace t : tokens) {
            Map<String, Object> e = entry(t.id(), t.logprob());
            List<Map<String, Object>> alternatives = new ArrayList<>();
            for (CandidateTrace c : t.candidates().subList(0, Math.min(top, t.candidates().size()))) {
                alternatives.add(entry(c.id(), (float) Math.log(Math.max(c.prob(), Float.MIN_NORMAL))));
            }
            e.put("top_logprobs", alternatives);
            out.add(e);
        }
        return out;
    }

    private Map<String, Object> entry(int id, float logprob) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("token", tokenizer.tokenText(id));
        e.put("logprob", logprob);
        e.put("bytes", tokenizer.unsignedBytes(id));
        return e;
    }

    private Map<String, Object> legacyLogprobs(List<TokenTrace> tokens, int top, int offset) {
        List<String> text = new ArrayList<>();
        List<Float> logprobs = new ArrayList<>();
        List<Map<String, Float>> tops = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        int at = offset;
        for (TokenTrace t : tokens) {
            String s = tokenizer.tokenText(t.id());
            text.add(s);
            logprobs.add(t.logprob());
            offsets.add(at);
            at += s.length();
            Map<String, Float> alt = new LinkedHashMap<>();
            for (CandidateTrace c : t.candidates().subList(0, Math.min(top, t.candidates().size()))) {
                alt.put(tokenizer.tokenText(c.id()), (float) Math.log(Math.max(c.prob(), Float.MIN_NORMAL)));
            }
            tops.add(alt);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokens", text);
        m.put("token_logprobs", logprobs);
        m.put("top_logprobs", tops);
        m.put("text_offset", offsets);
        return m;
    }

    private static List<Map<String, Object>> citations(List<Citation> citations) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Citation c : citations) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("number", c.number());
            m.put("slug", c.slug());
            m.put("title", c.title());
            m.put("section", c.section());
            m.put("anchor", c.anchor());
            m.put("snippet", c.snippet());
            m.put("url", "/course/" + c.slug() + "#" + c.anchor());
            out.add(m);
        }
        return out;
    }
}
