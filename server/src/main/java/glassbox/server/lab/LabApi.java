package glassbox.server.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.infer.Engine;
import glassbox.model.infer.ScoredToken;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.rag.SearchHit;
import glassbox.rag.course.Lesson;
import glassbox.rag.course.Section;
import glassbox.server.ApiError;
import glassbox.server.Json;
import glassbox.server.RequestBody;
import glassbox.server.Services;
import io.javalin.Javalin;
import io.javalin.http.Context;

/** The lab endpoints: tokens, next-token distributions, search, traces, lessons and the model. */
public final class LabApi {
    static final int MAX_TEXT_CHARS = 100_000;
    static final int DISTRIBUTION_TOP = 60;
    /** Longest text whose merge steps {@code /api/tokenize} reports (a piece's steps cost O(n²) to find). */
    static final int MAX_MERGES_CHARS = 2_000;

    private final Services services;
    private final Engine engine;
    private final BpeTokenizer tokenizer;
    private final LessonHtml html = new LessonHtml();

    public LabApi(Services services) {
        this.services = services;
        this.engine = services.engine();
        this.tokenizer = engine.tokenizer();
    }

    public void register(Javalin app) {
        app.post("/api/tokenize", this::tokenize);
        app.post("/api/detokenize", this::detokenize);
        app.post("/api/distribution", this::distribution);
        app.get("/api/search", this::search);
        app.get("/api/traces/{id}", ctx -> ctx.json(services.traces().get(ctx.pathParam("id"))
                .orElseThrow(() -> ApiError.notFound("No trace '" + ctx.pathParam("id") + "': it never existed or was dropped "
                        + "(the server keeps the most recent ones, up to " + (services.traces().budgetBytes() >> 20) + " MiB).", "trace_not_found"))));
        app.get("/api/lessons", ctx -> ctx.json(services.course().lessons().stream().map(this::summary).toList()));
        app.get("/api/lessons/{slug}", this::lesson);
        app.get("/api/model", this::model);
    }

    private static JsonNode body(Context ctx) {
        return RequestBody.json(ctx);
    }

    private static String text(JsonNode body, String field) {
        JsonNode t = body.get(field);
        if (t == null || !t.isTextual()) {
            throw ApiError.invalid("'" + field + "' must be a string.", field);
        }
        if (t.asText().length() > MAX_TEXT_CHARS) {
            throw ApiError.invalid("'" + field + "' is longer than " + MAX_TEXT_CHARS + " characters.", field);
        }
        return t.asText();
    }

    /**
     * Ids with each token's text, bytes and UTF-8 byte offsets; {@code special: true} reads chat tokens like {@code <|user|>};
     * {@code merges: true} adds each pre-token piece's BPE merges in the order the encoder applied them.
     */
    private void tokenize(Context ctx) throws IOException {
        JsonNode body = body(ctx);
        String text = text(body, "text");
        boolean special = body.path("special").asBoolean(false);
        JsonNode mergesField = body.get("merges");
        if (mergesField != null && !mergesField.isNull() && !mergesField.isBoolean()) {
            throw ApiError.invalid("'merges' must be a boolean.", "merges");
        }
        boolean merges = mergesField != null && mergesField.asBoolean(false);
        if (merges && special) {
            throw ApiError.invalid("'merges' shows how plain text is encoded; leave 'special' off.", "merges");
        }
        if (merges && text.length() > MAX_MERGES_CHARS) {
            throw ApiError.invalid("With 'merges', 'text' may be at most " + MAX_MERGES_CHARS + " characters.", "text");
        }
        int[] ids = special ? tokenizer.encodeWithSpecials(text) : tokenizer.encode(text);
        List<Map<String, Object>> tokens = new ArrayList<>();
        int offset = 0;
        for (int id : ids) {
            int len = tokenizer.tokenBytes(id).length;
            Map<String, Object> t = TokenJson.of(tokenizer, id);
            t.put("start", offset);
            t.put("end", offset + len);
            offset += len;
            tokens.add(t);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", ids.length);
        out.put("tokens", tokens);
        if (merges) {
            out.put("pieces", MergeJson.pieces(tokenizer, tokenizer.mergeSteps(text)));
        }
        ctx.json(out);
    }

    private void detokenize(Context ctx) throws IOException {
        JsonNode ids = body(ctx).get("ids");
        if (ids == null || !ids.isArray()) {
            throw ApiError.invalid("'ids' must be an array of token ids.", "ids");
        }
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode id = ids.get(i);
            // canConvertToInt first: asLong() wraps a big integer such as 2^64 to 0.
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0 || id.asInt() >= tokenizer.vocabSize()) {
                throw ApiError.invalid("ids[" + i + "] = " + id + " is not a token id (0.." + (tokenizer.vocabSize() - 1) + ").", "ids");
            }
            out[i] = id.asInt();
        }
        ctx.json(Map.of("text", tokenizer.decode(out)));
    }

    /**
     * The model's raw next-token logits (top {@value #DISTRIBUTION_TOP}) after a text, or after a
     * chat prompt when {@code chat: true}: the sampling playground reshapes them in the browser.
     */
    private void distribution(Context ctx) throws IOException {
        JsonNode body = body(ctx);
        String text = text(body, "text");
        boolean chat = body.path("chat").asBoolean(false);
        int[] ids = chat ? ChatFormat.encode(tokenizer, List.of(new ChatFormat.Message("user", text)), true)
                : tokenizer.encode(text);
        if (ids.length == 0) {
            throw ApiError.invalid("'text' is empty.", "text");
        }
        float[] logits = engine.nextTokenLogits(ids);
        // All logits travel too (4096 numbers for the default model): temperature reshapes the whole distribution.
        ctx.json(Map.of("prompt_tokens", ids.length, "vocab_size", logits.length, "logits", logits,
                "candidates", ScoredToken.top(logits, DISTRIBUTION_TOP, tokenizer::tokenText)));
    }

    private void search(Context ctx) {
        String q = ctx.queryParam("q");
        if (q == null) {
            throw ApiError.invalid("Missing query parameter 'q'.", "q");
        }
        int k;
        try {
            k = ctx.queryParam("k") == null ? 5 : Integer.parseInt(ctx.queryParam("k"));
        } catch (NumberFormatException e) {
            throw ApiError.invalid("'k' must be an integer between 1 and 50.", "k");
        }
        if (k < 1 || k > 50) {
            throw ApiError.invalid("'k' must be an integer between 1 and 50.", "k");
        }
        // fields=true (opt-in): each hit's BM25 word score split by field, explained by the Lucene index itself.
        String fieldsParam = ctx.queryParam("fields");
        if (fieldsParam != null && !fieldsParam.equals("true") && !fieldsParam.equals("false")) {
            throw ApiError.invalid("'fields' must be true or false.", "fields");
        }
        boolean byField = "true".equals(fieldsParam);
        List<Map<String, Object>> hits = new ArrayList<>();
        for (SearchHit h : services.index().search(q, k, byField)) {
            Map<String, Object> m = hitJson(h);
            m.put("snippet", h.snippet());
            if (byField) {
                m.put("fields", h.fields());
            }
            hits.add(m);
        }
        // searched_for: the query with misspelt words put right, as the index searched it ("atention" → "attention").
        ctx.json(Map.of("query", q, "searched_for", services.index().corrected(q), "k", k, "hits", hits));
    }

    /** A search hit as the lab API shows it: where it is and its three scores (fused, words, meaning). */
    static Map<String, Object> hitJson(SearchHit h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slug", h.slug());
        m.put("title", h.title());
        m.put("section", h.section());
        m.put("anchor", h.anchor());
        m.put("score", h.score());
        m.put("word_score", h.wordScore());
        m.put("similarity", h.similarity());
        return m;
    }

    private Map<String, Object> summary(Lesson l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slug", l.slug());
        m.put("title", l.title());
        m.put("summary", l.summary());
        m.put("key_terms", l.keyTerms());
        m.put("prerequisites", l.prerequisites());
        m.put("has_lab", hasWidget(l.slug()));
        List<Map<String, Object>> sections = new ArrayList<>();
        for (Section s : l.sections()) {
            sections.add(Map.of("heading", s.heading(), "anchor", s.anchor()));
        }
        m.put("sections", sections);
        return m;
    }

    /** A lesson has a widget when the web app ships {@code js/labs/<slug>.js} (see web/js/labs/kit.js). */
    static boolean hasWidget(String slug) {
        return LabApi.class.getResource("/web/js/labs/" + slug + ".js") != null;
    }

    private void lesson(Context ctx) {
        String slug = ctx.pathParam("slug");
        List<Lesson> lessons = services.course().lessons();
        for (int i = 0; i < lessons.size(); i++) {
            Lesson l = lessons.get(i);
            if (l.slug().equals(slug)) {
                Map<String, Object> m = summary(l);
                m.put("html", html.render(l.body()));
                m.put("previous", i > 0 ? lessons.get(i - 1).slug() : null);
                m.put("next", i + 1 < lessons.size() ? lessons.get(i + 1).slug() : null);
                ctx.json(m);
                return;
            }
        }
        throw ApiError.notFound("No lesson '" + slug + "'. GET /api/lessons lists them.", "lesson_not_found");
    }

    private void model(Context ctx) throws IOException {
        Path dir = engine.info().dir();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("info", engine.info());
        m.put("models", List.of(engine.info().name(), "glassbox-tutor"));
        m.put("config", readJson(dir.resolve("config.json")));
        m.put("generation_config", readJson(dir.resolve("generation_config.json")));
        m.put("training", readJson(dir.resolve("training.json")));
        ctx.json(m);
    }

    private static JsonNode readJson(Path file) throws IOException {
        return Files.isRegularFile(file) ? Json.MAPPER.readTree(file.toFile()) : null;
    }
}
