package glassbox.server.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.model.train.TrainingConfig;
import glassbox.model.train.TrainingPipeline;
import glassbox.model.train.data.CorpusBuilder;
import glassbox.model.train.data.TrainingDocument;
import glassbox.server.ApiError;
import glassbox.server.CourseTexts;
import glassbox.server.Json;
import glassbox.server.RequestBody;
import glassbox.server.Services;
import glassbox.server.tutor.TutorExamples;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * The lab endpoints of the training lessons (13–17, 20): the chat template rendered with the real
 * {@link ChatFormat} (lesson 16) and the training corpus as training built it (lesson 13).
 */
public final class TrainingLabApi {
    private final Services services;
    private final BpeTokenizer tokenizer;
    /** The corpus statistics, built once on the first request (tens of seconds: the tutor's examples retrieve passages). */
    private final AtomicReference<CompletableFuture<JsonNode>> corpus = new AtomicReference<>();

    /** Where the corpus statistics are kept between runs (null: only in memory), with the inputs they were counted from. */
    private final Path cacheFile;
    private final Path promptsDir;

    /** {@code cacheFile}: a JSON file for the corpus statistics, reused while course, prompts, tokenizer and training record are unchanged. */
    public TrainingLabApi(Services services, Path cacheFile, Path promptsDir) {
        this.services = services;
        this.tokenizer = services.engine().tokenizer();
        this.cacheFile = cacheFile;
        this.promptsDir = promptsDir;
    }

    public void register(Javalin app) {
        app.post("/api/chat/template", this::chatTemplate);
        app.get("/api/corpus", this::corpus);
    }

    /**
     * The training corpus as training builds it (lesson 13). The first request starts the build and
     * gets 202 {@code {"status":"computing"}} with Retry-After; later ones get the cached numbers.
     */
    private void corpus(Context ctx) {
        CompletableFuture<JsonNode> f = corpus.get();
        if (f == null) {
            CompletableFuture<JsonNode> mine = new CompletableFuture<>();
            if (corpus.compareAndSet(null, mine)) {
                Thread t = new Thread(() -> {
                    try {
                        mine.complete(buildCorpus());
                    } catch (Throwable e) {
                        mine.completeExceptionally(e);
                    }
                }, "glassbox-corpus-stats");
                t.setDaemon(true);
                t.setPriority(Thread.MIN_PRIORITY);
                t.start();
            }
            f = corpus.get();
        }
        if (!f.isDone()) {
            ctx.status(202).header("Retry-After", "2").json(Map.of("status", "computing"));
            return;
        }
        if (f.isCompletedExceptionally()) {
            String why = f.handle((r, e) -> e == null ? "" : String.valueOf(e.getCause() == null ? e : e.getCause())).join();
            throw new ApiError(503, "server_error", "The corpus statistics could not be built: " + why, null, "corpus_unavailable", null);
        }
        ctx.json(f.join());
    }

    /**
     * What TrainCommand feeds the trainer: the course's documents, then the tutor's examples (built
     * with the run's own seed and context), counted with the run's config; or the cached numbers when
     * nothing they depend on has changed.
     */
    private JsonNode buildCorpus() throws IOException {
        Path dir = services.engine().info().dir();
        Path trainingFile = dir.resolve("training.json");
        JsonNode training = Files.isRegularFile(trainingFile) ? Json.MAPPER.readTree(trainingFile.toFile()) : null;
        TrainingConfig config = training != null && training.has("config")
                ? new ObjectMapper().treeToValue(training.get("config"), TrainingConfig.class) : TrainingConfig.defaults();
        List<TrainingDocument> docs = new ArrayList<>(CorpusBuilder.build(CourseTexts.of(services.course())));
        String key = cacheKey(docs, dir);
        JsonNode cached = readCache(key);
        if (cached != null) {
            return cached;
        }
        docs.addAll(new TutorExamples(services.course(), services.tutor(), config.contextLength()).build(config.seed()));
        JsonNode r = Json.MAPPER.valueToTree(CorpusStats.compute(docs, config, tokenizer,
                training == null ? null : training.path("corpus_sha256").asText(null)));
        writeCache(key, r);
        return r;
    }

    /** The inputs of the count: course text, prompt templates (the examples' prompts), tokenizer and training record. */
    private String cacheKey(List<TrainingDocument> courseDocs, Path modelDir) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(TrainingPipeline.hash(courseDocs).getBytes(StandardCharsets.UTF_8));
            List<Path> files = new ArrayList<>();
            if (promptsDir != null && Files.isDirectory(promptsDir)) {
                try (var s = Files.list(promptsDir)) {
                    s.filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            }
            files.add(modelDir.resolve("tokenizer.json"));
            files.add(modelDir.resolve("training.json"));
            for (Path f : files) {
                md.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                if (Files.isRegularFile(f)) {
                    md.update(Files.readAllBytes(f));
                }
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode readCache(String key) {
        if (cacheFile == null || !Files.isRegularFile(cacheFile)) {
            return null;
        }
        try {
            JsonNode cached = Json.MAPPER.readTree(cacheFile.toFile());
            return key.equals(cached.path("key").asText()) && cached.get("result").isObject() ? cached.get("result") : null;
        } catch (IOException | RuntimeException e) {
            return null;   // unreadable or from another version: count again
        }
    }

    private void writeCache(String key, JsonNode r) {
        if (cacheFile == null) {
            return;
        }
        try {
            Files.createDirectories(cacheFile.toAbsolutePath().getParent());
            Path tmp = cacheFile.resolveSibling(cacheFile.getFileName() + ".tmp");
            Json.MAPPER.writeValue(tmp.toFile(), Map.of("key", key, "result", r));
            Files.move(tmp, cacheFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            System.err.println("glassbox: could not cache the corpus statistics in " + cacheFile + ": " + e.getMessage());
        }
    }

    /** {@code {messages: [{role, content}], add_generation_prompt?}} → the text, its tokens and the loss mask. */
    private void chatTemplate(Context ctx) {
        JsonNode body = RequestBody.json(ctx);
        List<ChatFormat.Message> messages = messages(body.get("messages"));
        JsonNode gen = body.get("add_generation_prompt");
        if (gen != null && !gen.isNull() && !gen.isBoolean()) {
            throw ApiError.invalid("'add_generation_prompt' must be true or false.", "add_generation_prompt");
        }
        ChatTemplateLab.Rendered r = ChatTemplateLab.render(tokenizer, messages, gen != null && gen.asBoolean(false));
        List<Map<String, Object>> tokens = new ArrayList<>();
        for (ChatTemplateLab.Token t : r.tokens()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.id());
            m.put("text", t.text());
            m.put("special", t.special());
            m.put("trained", t.trained());
            tokens.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("text", r.text());
        out.put("count", tokens.size());
        out.put("trained_count", r.trainedCount());
        out.put("tokens", tokens);
        ctx.json(out);
    }

    static List<ChatFormat.Message> messages(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiError.invalid("'messages' must be a non-empty array of {role, content}.", "messages");
        }
        if (node.size() > ChatTemplateLab.MAX_MESSAGES) {
            throw ApiError.invalid("At most " + ChatTemplateLab.MAX_MESSAGES + " messages.", "messages");
        }
        List<ChatFormat.Message> out = new ArrayList<>();
        int chars = 0;
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            JsonNode role = m.get("role"), content = m.get("content");
            if (role == null || !role.isTextual() || !ChatFormat.ROLES.contains(role.asText())) {
                throw ApiError.invalid("messages[" + i + "].role must be one of " + ChatFormat.ROLES + ".", "messages");
            }
            if (content == null || !content.isTextual()) {
                throw ApiError.invalid("messages[" + i + "].content must be a string.", "messages");
            }
            chars += content.asText().length();
            if (chars > ChatTemplateLab.MAX_CHARS) {
                throw ApiError.invalid("The messages are longer than " + ChatTemplateLab.MAX_CHARS + " characters together.", "messages");
            }
            out.add(new ChatFormat.Message(role.asText(), content.asText()));
        }
        return out;
    }
}
