package glassbox.server.openai;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.infer.ContextLengthExceededException;
import glassbox.model.infer.Engine;
import glassbox.model.infer.GenerationRequest;
import glassbox.model.infer.GenerationResult;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.server.ApiError;
import glassbox.server.ClientConnection;
import glassbox.server.Json;
import glassbox.server.RequestBody;
import glassbox.server.Services;
import glassbox.server.Sha256;
import glassbox.server.lab.TraceJson;
import glassbox.server.lab.TraceStore;
import glassbox.server.ops.MeteredListener;
import glassbox.server.ops.Metrics;
import glassbox.model.infer.constraint.GroundingIndex;
import glassbox.server.tutor.Citation;
import glassbox.server.tutor.PassagePacker;
import glassbox.server.tutor.Tutor;
import glassbox.server.tutor.TutorPrompt;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * The OpenAI-compatible endpoints: {@code GET /v1/models}, {@code POST /v1/chat/completions} and
 * {@code POST /v1/completions}, plain and streamed. Two models: the raw one (named after its
 * directory, {@code course-tiny} by default) and {@code glassbox-tutor} (the same weights behind
 * retrieval; its answers carry {@code citations}).
 */
public final class OpenAiApi {
    public static final String TUTOR = "glassbox-tutor";
    static final int DEFAULT_MAX_TOKENS = 256;
    /**
     * Without max_tokens, the room the tutor's prompt keeps for the answer (passages are shortened
     * until the rest fits) and the most a free answer may use. A grounded answer may go on into
     * whatever room the prompt left, up to {@link #DEFAULT_MAX_TOKENS}: it ends itself after a
     * whole sentence, and a cap of 160 dropped the last sentence of long excerpts (key-term rate on
     * the 180 tutor dev questions 0.772 with 160, 0.789 with the room left).
     */
    public static final int DEFAULT_TUTOR_MAX_TOKENS = 160;

    private final Services services;
    private final Engine engine;
    private final long created = System.currentTimeMillis() / 1000;
    private final String fingerprint;

    public OpenAiApi(Services services) {
        this.services = services;
        this.engine = services.engine();
        // Changes when the weights do: same fingerprint + same seed = same output.
        this.fingerprint = "fp_" + Integer.toHexString(engine.info().name().hashCode() * 31 + Long.hashCode(engine.info().parameters()));
    }

    public void register(Javalin app) {
        app.get("/v1/models", ctx -> ctx.json(Map.of("object", "list", "data", List.of(model(rawModel()), model(TUTOR)))));
        app.get("/v1/models/{id}", ctx -> ctx.json(model(knownModel(ctx.pathParam("id")))));
        app.post("/v1/chat/completions", ctx -> complete(ctx, true));
        app.post("/v1/completions", ctx -> complete(ctx, false));
    }

    public String rawModel() {
        return engine.info().name();
    }

    private Map<String, Object> model(String id) {
        return Map.of("id", id, "object", "model", "created", created, "owned_by", "glassbox");
    }

    private String knownModel(String id) {
        if (!id.equals(rawModel()) && !id.equals(TUTOR)) {
            throw new ApiError(404, "invalid_request_error", "The model '" + id + "' does not exist. Available: " + rawModel()
                    + ", " + TUTOR + ".", "model", "model_not_found", null);
        }
        return id;
    }

    private void complete(Context ctx, boolean chat) throws IOException, InterruptedException {
        JsonNode body = RequestBody.json(ctx);
        Fields f = new Fields(body);
        CompletionSettings s = CompletionSettings.parse(f, chat, engine.info().vocabSize());
        List<ChatFormat.Message> messages = chat ? ChatMessages.parse(f.node("messages")) : List.of();
        String prompt = chat ? null : CompletionPrompt.parse(f.node("prompt"));
        ChatTools tools = chat ? ChatTools.parse(f) : ChatTools.NONE;
        ResponseFormat format = chat ? ResponseFormat.parse(f.node(ResponseFormat.PARAM)) : ResponseFormat.TEXT;
        OutputRules rules = OutputRules.of(format, tools);
        String model = knownModel(s.model());
        String client = client(ctx);
        // tokenizing and retrieval run bounded (Services.preparation) before a generation slot is taken
        PreparedPrompt p = services.preparation().run(() -> prepare(model, s, client, messages, prompt, tools, rules));
        String id = (chat ? "chatcmpl-" : "cmpl-") + TraceStore.randomHex();
        String traceId = services.traces().newId();
        ctx.header("X-Trace-Id", traceId);
        Responses r = new Responses(id, chat ? "chat.completion" : "text_completion", model, created(), fingerprint, engine.tokenizer());
        // The slot is taken before any byte is sent, so "busy" is a plain 429 even for a stream.
        // A client that leaves while waiting leaves the queue; one that leaves a non-streamed answer stops it.
        BooleanSupplier gone = ClientConnection.gone(ctx);
        long arrival = Metrics.arrival(ctx);
        long waitStart = System.nanoTime();
        Engine.Slot slot = p.fallback() != null ? null : engine.acquire(gone);
        if (slot != null) {
            services.metrics().queueWait(System.nanoTime() - waitStart);
        }
        if (p.fallback() == null && slot == null) {
            throw new ApiError(499, "invalid_request_error", "The client closed the connection while waiting for a slot.", null,
                    "client_closed_request", null);
        }
        try {
            if (s.stream()) {
                stream(ctx, chat, s, p, r, traceId, slot, arrival);
            } else {
                List<GenerationResult> results = new ArrayList<>();
                for (int i = 0; i < s.n(); i++) {
                    results.add(run(p, s, i, null, gone, slot, i == 0 ? arrival : -1));
                }
                store(traceId, model, s, p, results);
                ctx.json(chat ? r.chat(results, s, traceId, citations(model, p), p.toolCalls()) : r.completion(results, s, traceId));
            }
        } finally {
            if (slot != null) {
                slot.close();
            }
        }
    }

    private static long created() {
        return System.currentTimeMillis() / 1000;
    }

    private List<Citation> citations(String model, PreparedPrompt p) {
        return model.equals(TUTOR) ? p.citations() : null;
    }

    private PreparedPrompt prepare(String model, CompletionSettings s, String client, List<ChatFormat.Message> messages, String prompt,
                                   ChatTools tools, OutputRules rules) {
        int ctxLen = engine.info().contextLength();
        if (s.maxTokens() != null && s.maxTokens() >= ctxLen) {
            // No prompt fits beside it: refused before retrieval or tokenizing, whatever the prompt.
            throw ApiError.invalid("This model's maximum context length is " + ctxLen + " tokens, prompt included; you requested "
                    + s.maxTokens() + " tokens for the completion. Please reduce max_tokens.", "max_tokens", "context_length_exceeded");
        }
        if (model.equals(TUTOR)) {
            if (rules.forced() && s.grounding() == CompletionSettings.Grounding.PASSAGES) {
                throw ApiError.invalid("'grounding': \"passages\" and a JSON response_format or a forced tool call both decide every token; "
                        + "leave grounding out (the " + rules.kind().traceName() + " constraint replaces it) or use \"off\".", "grounding",
                        "invalid_value");
            }
            List<ChatFormat.Message> conversation = messages.isEmpty() ? List.of(new ChatFormat.Message("user", prompt)) : messages;
            int answer = s.maxTokens() != null ? s.maxTokens() : DEFAULT_TUTOR_MAX_TOKENS;
            // The tools' system line takes room beside the passages.
            ChatFormat.Message toolsLine = ChatFormat.toolsMessage(tools.described());
            int toolTokens = toolsLine == null ? 0 : engine.tokenizer().encode(toolsLine.content()).length + 2;
            TutorPrompt tp = services.tutor().prepare(conversation, Math.max(1, ctxLen - answer - toolTokens));
            if (!tp.answered() && !rules.forced()) {
                return new PreparedPrompt(new int[0], 0, null, List.of(), tp.fallback(), null, null, false);
            }
            // Nothing retrieved but the answer must be JSON or a call: the model answers the conversation alone.
            List<ChatFormat.Message> turns = tp.answered() ? tp.messages() : conversation;
            int[] ids = ChatFormat.encode(engine.tokenizer(), turns, tools.described(), true);
            // A forced shape replaces grounding; auto tools leave it in place (the tutor answers from the passages and does not call).
            boolean grounded = !rules.forced() && s.grounding() != CompletionSettings.Grounding.OFF && tp.answered();
            GroundingIndex grounding = grounded ? services.tutor().grounding(tp.citations(), lastQuestion(conversation)) : null;
            OutputRules used = grounding != null ? OutputRules.FREE : rules;
            int cap = grounding != null ? DEFAULT_MAX_TOKENS : DEFAULT_TUTOR_MAX_TOKENS;
            return new PreparedPrompt(ids, maxTokens(ids.length, s.maxTokens(), cap), session(s, client, conversation),
                    tp.answered() ? tp.citations() : List.of(), null, grounding, used.constraint(engine.tokenizer()), used.kind() == OutputRules.Kind.TOOL_CALL);
        }
        if (s.grounding() == CompletionSettings.Grounding.PASSAGES) {
            throw ApiError.invalid("'grounding': \"passages\" needs retrieved passages, and only the " + TUTOR + " model retrieves them; "
                    + model + " generates freely (leave grounding out or use \"off\").", "grounding", "invalid_value");
        }
        int[] ids = messages.isEmpty() ? engine.tokenizer().encode(prompt)
                : ChatFormat.encode(engine.tokenizer(), messages, tools.described(), true);
        if (ids.length == 0) {
            throw ApiError.invalid("The prompt is empty.", "prompt");
        }
        return new PreparedPrompt(ids, maxTokens(ids.length, s.maxTokens(), DEFAULT_MAX_TOKENS),
                messages.isEmpty() ? null : session(s, client, messages), List.of(), null, null, rules.constraint(engine.tokenizer()),
                rules.kind() == OutputRules.Kind.TOOL_CALL);
    }

    private static String lastQuestion(List<ChatFormat.Message> conversation) {
        return conversation.reversed().stream().filter(m -> m.role().equals("user")).map(ChatFormat.Message::content).findFirst().orElse("");
    }

    /** Requested max tokens must fit (checked by the engine); the default is whatever room is left, up to a cap. */
    private int maxTokens(int promptTokens, Integer requested, int cap) {
        int ctxLen = engine.info().contextLength();
        if (requested != null) {
            engine.checkFits(promptTokens, requested);
            return requested;
        }
        if (promptTokens >= ctxLen) {
            throw new ContextLengthExceededException(promptTokens, 1, ctxLen);
        }
        return Math.min(cap, ctxLen - promptTokens);
    }

    /**
     * A conversation's KV session: keyed by the client (its address and credentials), the user and
     * the conversation's first question, so a follow-up finds it, while another client asking the
     * same first question gets a cache of its own: {@code cached_tokens} cannot tell it what someone
     * else asked.
     */
    private static String session(CompletionSettings s, String client, List<ChatFormat.Message> messages) {
        if (s.n() > 1) {
            return null;
        }
        String first = messages.stream().filter(m -> m.role().equals("user")).map(ChatFormat.Message::content).findFirst().orElse("");
        return s.model() + "\u0000" + client + "\u0000" + (s.user() == null ? "" : s.user()) + "\u0000" + first;
    }

    /**
     * Who is asking, as far as the server can tell: the remote address, a digest of the Authorization
     * header and the affinity key a load balancer hashes (the web app's {@code gb_session} cookie or
     * an {@code X-Session-Id} header). Behind a balancer every learner has the proxy's address; the
     * affinity key keeps their conversations' caches apart there too.
     */
    private static String client(Context ctx) {
        String auth = ctx.header("Authorization");
        String affinity = ctx.header("X-Session-Id") + "\u0000" + ctx.cookie("gb_session");
        return ctx.ip() + "\u0000" + (auth == null ? "" : HexFormat.of().formatHex(Sha256.of(auth))) + "\u0000"
                + HexFormat.of().formatHex(Sha256.of(affinity));
    }

    private GenerationResult run(PreparedPrompt p, CompletionSettings s, int choice,
                                 glassbox.model.infer.GenerationListener listener, java.util.function.BooleanSupplier cancelled,
                                 Engine.Slot slot, long arrival) {
        if (p.fallback() != null) {
            int[] ids = engine.tokenizer().encode(p.fallback());
            if (listener != null) {
                listener.onDelta(p.fallback(), List.of());
            }
            return new GenerationResult(new int[0], ids, p.fallback(), glassbox.model.infer.FinishReason.STOP, 0, List.of(), null, 0, 0);
        }
        GenerationRequest req = new GenerationRequest(p.ids(), p.maxTokens(), s.samplingFor(choice), s.stop(), Set.of(), s.traceOptions(),
                choice == 0 ? p.sessionId() : null, p.constraint());
        GenerationResult r = engine.generate(req, new MeteredListener(listener, services.metrics(), arrival), cancelled, slot);
        services.metrics().generation(r.completionTokens(), r.decodeMillis());
        return r;
    }

    private void stream(Context ctx, boolean chat, CompletionSettings s, PreparedPrompt p, Responses r, String traceId, Engine.Slot slot,
                        long arrival) throws IOException {
        ctx.status(200);
        ctx.contentType("text/event-stream; charset=utf-8");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Accel-Buffering", "no");
        Sse sse = new Sse(ctx.res().getOutputStream());
        List<GenerationResult> results = new ArrayList<>();
        String model = r.model();
        try {
            for (int i = 0; i < s.n() && !sse.closed(); i++) {
                int choice = i;
                if (chat) {
                    sse.data(r.chatRoleChunk(choice, s.includeUsage(), traceId, citations(model, p)));
                }
                if (chat && p.toolCalls()) {
                    ToolCallStream calls = new ToolCallStream(engine.tokenizer(), new ToolCallStream.Sink() {
                        @Override
                        public void content(String text, List<glassbox.model.infer.TokenTrace> tokens) {
                            sse.data(r.chatDeltaChunk(choice, text, tokens, s));
                        }

                        @Override
                        public void toolCall(Map<String, Object> delta) {
                            sse.data(r.chatToolCallChunk(choice, delta, s.includeUsage()));
                        }
                    });
                    GenerationResult res = run(p, s, choice, calls::onDelta, sse::closed, slot, choice == 0 ? arrival : -1);
                    results.add(res);
                    sse.data(r.chatFinishChunk(choice, res.finishReason(), calls.finish(), s.includeUsage()));
                    continue;
                }
                GenerationResult res = run(p, s, choice, (text, tokens) ->
                        sse.data(chat ? r.chatDeltaChunk(choice, text, tokens, s) : r.completionChunk(choice, text, tokens, s, null)),
                        sse::closed, slot, choice == 0 ? arrival : -1);
                results.add(res);
                sse.data(chat ? r.chatFinishChunk(choice, res.finishReason(), false, s.includeUsage())
                        : r.completionChunk(choice, "", List.of(), s, res.finishReason()));
            }
            if (s.includeUsage()) {
                sse.data(r.usageChunk(results));
            }
        } catch (ApiError e) {
            sse.data(e.body());
        } catch (RuntimeException e) {
            sse.data(new ApiError(500, "server_error", "generation failed: " + e.getMessage(), null, null, null).body());
        }
        store(traceId, model, s, p, results);
        sse.done();
    }

    private void store(String traceId, String model, CompletionSettings s, PreparedPrompt p, List<GenerationResult> results) {
        String constraint = p.grounding() != null ? "grounding" : p.constraint() == null ? null : p.toolCalls() ? "tool_call" : "json";
        services.traces().put(traceId, TraceJson.of(traceId, model, s.sampling(), p.ids(), p.citations(), constraint, results, engine));
    }
}
