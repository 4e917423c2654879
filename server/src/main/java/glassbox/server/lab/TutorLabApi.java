package glassbox.server.lab;

import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.infer.Engine;
import glassbox.server.ApiError;
import glassbox.server.ClientConnection;
import glassbox.server.RequestBody;
import glassbox.server.Services;
import glassbox.server.openai.OpenAiApi;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * The tutor's lab endpoints: {@code POST /api/tutor/steps}, what the tutor does with a question
 * before it answers (see {@link TutorSteps}), and {@code POST /api/tutor/agent}, the same loop with
 * the model writing the tool call (see {@link TutorAgent}).
 */
public final class TutorLabApi {
    static final int MAX_QUESTION_CHARS = 2_000;
    static final int MAX_AGENT_QUESTION_CHARS = 300;

    private final Services services;
    private final TutorSteps steps;
    private final TutorAgent agent;

    public TutorLabApi(Services services) {
        this.services = services;
        this.steps = new TutorSteps(services.tutor(), services.engine().tokenizer(), services.engine().info().contextLength());
        this.agent = new TutorAgent(services.engine(), services.tutor(), services.traces());
    }

    public void register(Javalin app) {
        app.post("/api/tutor/steps", this::steps);
        app.post("/api/tutor/agent", this::agent);
    }

    private void steps(Context ctx) throws InterruptedException {
        JsonNode body = RequestBody.json(ctx);
        JsonNode q = body.get("question");
        if (q == null || !q.isTextual() || q.asText().isBlank()) {
            throw ApiError.invalid("'question' must be a non-empty string.", "question");
        }
        if (q.asText().length() > MAX_QUESTION_CHARS) {
            throw ApiError.invalid("'question' is longer than " + MAX_QUESTION_CHARS + " characters.", "question");
        }
        int ctxLen = services.engine().info().contextLength();
        int maxTokens = OpenAiApi.DEFAULT_TUTOR_MAX_TOKENS;
        JsonNode mt = body.get("max_tokens");
        if (mt != null && !mt.isNull()) {
            if (!mt.isIntegralNumber() || !mt.canConvertToInt() || mt.asInt() < 1 || mt.asInt() >= ctxLen) {
                throw ApiError.invalid("'max_tokens' must be an integer from 1 to " + (ctxLen - 1) + ".", "max_tokens");
            }
            maxTokens = mt.asInt();
        }
        int budget = maxTokens;
        // retrieval is CPU work: bounded like the chat's (429 when the pool is full or too slow)
        ctx.json(services.preparation().run(() -> steps.of(q.asText(), budget)));
    }

    private void agent(Context ctx) throws InterruptedException {
        JsonNode q = RequestBody.json(ctx).get("question");
        if (q == null || !q.isTextual() || q.asText().isBlank()) {
            throw ApiError.invalid("'question' must be a non-empty string.", "question");
        }
        if (q.asText().length() > MAX_AGENT_QUESTION_CHARS) {
            throw ApiError.invalid("'question' is longer than " + MAX_AGENT_QUESTION_CHARS + " characters.", "question");
        }
        // Two generations on one slot, taken like the chat's (a full queue is a 429).
        BooleanSupplier gone = ClientConnection.gone(ctx);
        Engine.Slot slot = services.engine().acquire(gone);
        if (slot == null) {
            throw new ApiError(499, "invalid_request_error", "The client closed the connection while waiting for a slot.", null,
                    "client_closed_request", null);
        }
        try (slot) {
            ctx.json(agent.run(q.asText().strip(), slot, gone));
        }
    }
}
