package glassbox.server.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import glassbox.model.infer.Engine;
import glassbox.model.infer.GenerationRequest;
import glassbox.model.infer.GenerationResult;
import glassbox.model.infer.SamplingParams;
import glassbox.model.infer.TraceOptions;
import glassbox.model.infer.constraint.GroundingIndex;
import glassbox.model.infer.constraint.JsonSchema;
import glassbox.model.infer.constraint.ToolCallConstraint;
import glassbox.model.infer.constraint.ToolSpec;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.model.tokenizer.SpecialToken;
import glassbox.server.Json;
import glassbox.server.openai.OpenAiApi;
import glassbox.server.tutor.Citation;
import glassbox.server.tutor.SearchTool;
import glassbox.server.tutor.Tutor;
import glassbox.server.tutor.TutorPrompt;

/**
 * Lesson 22's agent loop with the model in charge of the tool call. The tutor offers one tool,
 * {@code search_course(query)}; the model must call it (a {@link ToolCallConstraint}), and its query
 * must be a run of up to {@value #MAX_SPAN_WORDS} consecutive words of the question that neither
 * begins nor ends with one of {@link #FUNCTION_WORDS} (the schema's {@code enum}), so a 6
 * M-parameter model still writes a query worth running (over the 180 tutor dev questions the
 * search found passages for 0.61 of its queries with that rule, 0.46 without): which words it
 * picks is its own choice. The server runs the search (the observation), hands the passages back
 * in a {@code tool} message, and the model answers from them under grounding. Both generations
 * are traced and open in the inspector.
 */
public final class TutorAgent {
    public static final String TOOL = SearchTool.NAME;
    static final int MAX_SPAN_WORDS = 8;
    /** Spans are taken from the question's first words only, so the enum stays small. */
    static final int MAX_QUESTION_WORDS = 40;
    static final int CALL_MAX_TOKENS = 96;
    static final int ANSWER_MAX_TOKENS = 120;
    /** Punctuation around a word or span ("top-p?" → "top-p"). */
    private static final java.util.regex.Pattern OUTER_PUNCTUATION = java.util.regex.Pattern.compile("^\\p{Punct}+|\\p{Punct}+$");
    /**
     * Words a query may not begin or end with: the question's own framing ("what is", "how does",
     * "explain") and glue words. A query of those alone finds nothing ("do" came back empty), and
     * the agent transcripts the model learnt from search for a concept's words.
     */
    static final Set<String> FUNCTION_WORDS = Set.of("a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for",
            "with", "from", "into", "about", "as", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "these",
            "those", "there", "their", "they", "them", "then", "than", "so", "if", "not", "no", "do", "does", "did", "can", "could",
            "would", "should", "will", "may", "might", "what", "whats", "what's", "why", "how", "when", "where", "which", "who",
            "whom", "explain", "describe", "tell", "me", "us", "i", "we", "you", "my", "our", "your", "please", "mean", "means",
            "stand", "work", "works", "use", "used", "get", "make", "between", "vs", "versus", "compare", "difference", "some", "any");

    private final Engine engine;
    private final Tutor tutor;
    private final TraceStore traces;
    private final BpeTokenizer tokenizer;

    public TutorAgent(Engine engine, Tutor tutor, TraceStore traces) {
        this.engine = engine;
        this.tutor = tutor;
        this.traces = traces;
        this.tokenizer = engine.tokenizer();
    }

    /** The call, the observation and the answer for {@code question}, generated on {@code slot}. */
    public Map<String, Object> run(String question, Engine.Slot slot, BooleanSupplier cancelled) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("question", question);
        List<String> spans = querySpans(question);
        out.put("tool", Map.of("name", TOOL, "description", SearchTool.DESCRIPTION, "query_choices", spans.size()));

        // 1. Action: the model writes the call, held to the tool's schema. One conversation throughout:
        // the tools line, the tutor's system prompt and the question; then the call and its result are appended.
        List<ChatFormat.Tool> tools = List.of(SearchTool.LINE);
        List<ChatFormat.Message> turns = new ArrayList<>(List.of(new ChatFormat.Message("system", tutor.templates().system()),
                new ChatFormat.Message("user", question)));
        int[] callPrompt = ChatFormat.encode(tokenizer, turns, tools, true);
        ToolSpec spec = new ToolSpec(TOOL, JsonSchema.compile(parameters(spans)));
        GenerationResult call = engine.generate(new GenerationRequest(callPrompt, CALL_MAX_TOKENS, SamplingParams.greedy(), List.of(), Set.of(),
                TraceOptions.basic(), null, () -> ToolCallConstraint.of(List.of(spec), true, tokenizer)), (text, tokens) -> { }, cancelled, slot);
        String callTrace = store("tool_call", callPrompt, List.of(), call);
        JsonNode arguments = arguments(call.text());
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("trace_id", callTrace);
        action.put("text", call.text());
        action.put("finish_reason", TraceJson.finishReason(call, "tool_call"));
        action.put("tokens", call.completionTokens());
        action.put("arguments", arguments);
        out.put("call", action);
        if (arguments == null || !arguments.path("query").isTextual()) {
            out.put("observation", null);
            out.put("answer", null);
            return out;   // cut short by max_tokens or cancelled: nothing to run
        }
        String query = arguments.get("query").asText();

        // 2. Observation: the server runs the tool, as the tutor retrieves for a chat question.
        turns.add(new ChatFormat.Message("assistant", "", List.of(new ChatFormat.ToolCall(TOOL, SearchTool.arguments(query)))));
        TutorPrompt found = SearchTool.run(tutor, tokenizer, turns, query, engine.info().contextLength(), ANSWER_MAX_TOKENS);
        Map<String, Object> observation = new LinkedHashMap<>();
        observation.put("query", query);
        observation.put("found", found.answered());
        observation.put("passages", found.citations().stream().map(TutorAgent::passageJson).toList());
        out.put("observation", observation);
        if (!found.answered()) {
            out.put("answer", Map.of("text", found.fallback(), "model_asked", false, "citations", List.of()));
            return out;
        }

        // 3. Answer: the model reads the tool's result and answers from it, grounded in its passages.
        turns.add(new ChatFormat.Message("tool", SearchTool.result(found)));
        int[] answerPrompt = ChatFormat.encode(tokenizer, turns, tools, true);
        int room = engine.info().contextLength() - answerPrompt.length;
        GroundingIndex grounding = tutor.grounding(found.citations(), question);
        int answerTokens = Math.max(1, Math.min(ANSWER_MAX_TOKENS, room));
        GenerationResult answer = engine.generate(new GenerationRequest(answerPrompt, answerTokens,
                SamplingParams.greedy(), List.of(), Set.of(), TraceOptions.basic(), null, grounding == null ? null : () -> grounding.start(answerTokens)),
                (text, tokens) -> { }, cancelled, slot);
        String answerTrace = store(grounding == null ? null : "grounding", answerPrompt, found.citations(), answer);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("trace_id", answerTrace);
        reply.put("text", answer.text());
        reply.put("finish_reason", answer.finishReason().apiName());
        reply.put("model_asked", true);
        reply.put("prompt_tokens", answerPrompt.length);
        reply.put("citations", found.citations().stream().map(TutorAgent::passageJson).toList());
        out.put("answer", reply);
        return out;
    }

    /**
     * Every run of 1..MAX_SPAN_WORDS consecutive words of the question, without the punctuation
     * around it, that neither begins nor ends with one of {@link #FUNCTION_WORDS}.
     */
    static List<String> querySpans(String question) {
        String[] words = question.strip().split("\\s+");
        int n = Math.min(words.length, MAX_QUESTION_WORDS);
        boolean[] framing = new boolean[n];
        for (int i = 0; i < n; i++) {
            framing[i] = FUNCTION_WORDS.contains(OUTER_PUNCTUATION.matcher(words[i]).replaceAll("").toLowerCase(java.util.Locale.ROOT));
        }
        Set<String> spans = new LinkedHashSet<>();
        for (int from = 0; from < n; from++) {
            for (int to = from + 1; to <= Math.min(n, from + MAX_SPAN_WORDS); to++) {
                String span = OUTER_PUNCTUATION.matcher(String.join(" ", java.util.Arrays.copyOfRange(words, from, to))).replaceAll("");
                if (!span.isBlank() && !framing[from] && !framing[to - 1]) {
                    spans.add(span);
                }
            }
        }
        if (spans.isEmpty()) {
            spans.add(question.strip());
        }
        return List.copyOf(spans);
    }

    /** {@code {"type":"object","properties":{"query":{"enum":[spans]}},"required":["query"],"additionalProperties":false}} */
    private static JsonNode parameters(List<String> spans) {
        ObjectNode schema = Json.MAPPER.createObjectNode();
        schema.put("type", "object");
        ArrayNode choices = schema.putObject("properties").putObject("query").putArray("enum");
        spans.forEach(choices::add);
        schema.putArray("required").add("query");
        schema.put("additionalProperties", false);
        return schema;
    }

    /** The call's arguments, or null when the call was cut short. */
    private static JsonNode arguments(String text) {
        int at = text.indexOf(SpecialToken.TOOL_CALL.text());
        if (at < 0) {
            return null;
        }
        try {
            JsonNode call = Json.MAPPER.readTree(text.substring(at + SpecialToken.TOOL_CALL.text().length()));
            return call != null && call.path("arguments").isObject() ? call.get("arguments") : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private String store(String constraint, int[] prompt, List<Citation> citations, GenerationResult result) {
        String id = traces.newId();
        traces.put(id, TraceJson.of(id, OpenAiApi.TUTOR, SamplingParams.greedy(), prompt,
                citations, constraint, List.of(result), engine));
        return id;
    }

    private static Map<String, Object> passageJson(Citation c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", c.number());
        m.put("slug", c.slug());
        m.put("title", c.title());
        m.put("section", c.section());
        m.put("anchor", c.anchor());
        m.put("text", c.passage());
        return m;
    }
}
