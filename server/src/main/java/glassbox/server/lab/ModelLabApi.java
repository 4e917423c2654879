package glassbox.server.lab;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.server.ApiError;
import glassbox.server.RequestBody;
import glassbox.server.Services;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * The lab endpoints behind the real-model lesson widgets (lessons 07-12): {@code /api/loss},
 * {@code /api/embeddings/neighbors}, {@code /api/attention}, {@code /api/lens} and
 * {@code /api/residual}. Each reads and checks its body here; {@link ModelLab} does the rest.
 */
public final class ModelLabApi {
    static final int MAX_TEXT_CHARS = 4_000;
    static final int MAX_WORD_CHARS = 64;

    private final ModelLab lab;

    public ModelLabApi(Services services) {
        this.lab = new ModelLab(services.engine());
    }

    public void register(Javalin app) {
        app.post("/api/loss", ctx -> ctx.json(lab.loss(text(body(ctx), "text", MAX_TEXT_CHARS))));
        app.post("/api/embeddings/neighbors", this::neighbors);
        app.post("/api/attention", ctx -> {
            JsonNode body = body(ctx);
            Integer layer = body.hasNonNull("layer") ? integer(body, "layer", 0, Integer.MAX_VALUE, 0) : null;
            ctx.json(lab.attention(text(body, "text", MAX_TEXT_CHARS), layer));
        });
        app.post("/api/lens", ctx -> {
            JsonNode body = body(ctx);
            ctx.json(lab.lens(text(body, "text", MAX_TEXT_CHARS), integer(body, "top", 1, ModelLab.MAX_LENS_TOP, 5)));
        });
        app.post("/api/residual", ctx -> ctx.json(lab.residual(text(body(ctx), "text", MAX_TEXT_CHARS))));
    }

    private void neighbors(Context ctx) {
        JsonNode body = body(ctx);
        String text = text(body, "text", MAX_WORD_CHARS);
        int k = integer(body, "k", 1, ModelLab.MAX_NEIGHBORS, 10);
        List<String> project = new ArrayList<>();
        JsonNode p = body.get("project");
        if (p != null && !p.isNull()) {
            if (!p.isArray() || p.size() > ModelLab.MAX_PROJECTED) {
                throw ApiError.invalid("'project' must be an array of at most " + ModelLab.MAX_PROJECTED + " strings.", "project");
            }
            for (JsonNode w : p) {
                if (!w.isTextual() || w.asText().isEmpty() || w.asText().length() > MAX_WORD_CHARS) {
                    throw ApiError.invalid("Each entry of 'project' must be a non-empty string of at most " + MAX_WORD_CHARS + " characters.",
                            "project");
                }
                project.add(w.asText());
            }
        }
        ctx.json(lab.neighbors(text, k, project));
    }

    private static JsonNode body(Context ctx) {
        return RequestBody.json(ctx);
    }

    private static String text(JsonNode body, String field, int maxChars) {
        JsonNode t = body.get(field);
        if (t == null || !t.isTextual()) {
            throw ApiError.invalid("'" + field + "' must be a string.", field);
        }
        if (t.asText().length() > maxChars) {
            throw ApiError.invalid("'" + field + "' is longer than " + maxChars + " characters.", field);
        }
        return t.asText();
    }

    private static int integer(JsonNode body, String field, int min, int max, int def) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return def;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min || n.asInt() > max) {
            throw ApiError.invalid("'" + field + "' must be an integer between " + min + " and " + max + ".", field);
        }
        return n.asInt();
    }
}
