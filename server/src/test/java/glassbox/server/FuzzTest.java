package glassbox.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Random and mutated bodies against every POST endpoint of the real server, and random path
 * segments and query values against its GET endpoints: wrong types, huge
 * numbers, deep nesting, odd Unicode (escaped lone surrogates, NUL, bidi controls) and invalid
 * UTF-8. Whatever arrives, the answer is never a 5xx, a 4xx always has the OpenAI error shape,
 * no number in a 200 is NaN, and the server keeps answering {@code /health}. Tries are bounded
 * (and generation kept to a few tokens), so the run takes well under a minute.
 *
 * <p>Try {@code i} draws its request from {@code new SplittableRandom(seed + i)}; the run's seed is
 * random unless {@code -Dfuzz.seed=N} is given. A failure names the seed of its try, so
 * {@code -Dfuzz.seed=<that seed>} replays it as the first try.
 */
class FuzzTest {
    static final int POST_TRIES = 800;
    static final int GET_TRIES = 300;
    static final long SEED = Long.getLong("fuzz.seed", new SplittableRandom().nextLong());

    static final List<String> POSTS = List.of("/v1/chat/completions", "/v1/completions", "/api/tokenize", "/api/detokenize",
            "/api/distribution", "/api/generate/step", "/v1/embeddings", "/api/loss", "/api/embeddings/neighbors", "/api/attention", "/api/lens",
            "/api/residual", "/api/chat/template", "/api/tutor/steps", "/api/tutor/agent");
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** Fields whose value is a number the API reports; none may be NaN or infinite (which Jackson would write as a string). */
    static final List<String> NUMERIC = List.of("logprob", "prob", "logit", "entropy", "score", "prefill_ms", "decode_ms", "loss",
            "cross_entropy", "perplexity", "cosine", "cosine_to_query", "x", "y");

    /** A valid body per endpoint, as field -> JSON text; mutations start from these. */
    static Map<String, String> valid(String path) {
        Map<String, String> b = new LinkedHashMap<>();
        switch (path) {
            case "/v1/chat/completions" -> {
                b.put("model", "\"course-tiny\"");
                b.put("messages", "[{\"role\":\"user\",\"content\":\"What is a token?\"}]");
                b.put("max_tokens", "2");
                b.put("seed", "1");
            }
            case "/api/tutor/agent" -> b.put("question", "\"What does the softmax do?\"");
            case "/api/tutor/steps" -> {
                b.put("question", "\"What does the softmax do?\"");
                b.put("max_tokens", "100");
            }
            case "/v1/completions" -> {
                b.put("model", "\"course-tiny\"");
                b.put("prompt", "\"The softmax\"");
                b.put("max_tokens", "2");
            }
            case "/api/detokenize" -> b.put("ids", "[1,2,3]");
            case "/api/generate/step" -> {
                b.put("ids", "[1,2,3]");
                b.put("temperature", "0.8");
                b.put("seed", "7");
                b.put("session", "\"fuzz\"");
            }
            case "/v1/embeddings" -> {
                b.put("model", "\"course-tiny\"");
                b.put("input", "[\"a token\",\"attention\"]");
            }
            case "/api/embeddings/neighbors" -> {
                b.put("text", "\" cat\"");
                b.put("k", "5");
                b.put("project", "[\" cat\",\" dog\",\" car\"]");
            }
            case "/api/attention" -> {
                b.put("text", "\"Attention looks back\"");
                b.put("layer", "1");
            }
            case "/api/lens" -> {
                b.put("text", "\"The softmax\"");
                b.put("top", "3");
            }
            case "/api/chat/template" -> {
                b.put("messages", "[{\"role\":\"user\",\"content\":\"What is a token?\"},{\"role\":\"assistant\",\"content\":\"A piece of text.\"}]");
                b.put("add_generation_prompt", "false");
            }
            default -> b.put("text", "\"attention\"");
        }
        return b;
    }

    static final List<String> FIELDS = List.of("model", "messages", "prompt", "max_tokens", "max_completion_tokens", "temperature", "top_p",
            "top_k", "min_p", "n", "stop", "seed", "logprobs", "top_logprobs", "stream", "stream_options", "logit_bias", "user", "trace",
            "grounding", "presence_penalty", "frequency_penalty", "repetition_penalty", "response_format", "text", "ids", "special", "chat",
            "k", "project", "layer", "top", "input", "encoding_format", "dimensions", "session", "merges",
            "add_generation_prompt", "tools", "tool_choice", "parallel_tool_calls");
    /** Keys that are not request fields but appear inside them. */
    static final List<String> INNER_KEYS = List.of("role", "content", "type", "include_usage", "attention", "logit_lens", "json_schema",
            "schema", "strict", "name", "function", "parameters", "arguments", "tool_calls", "tool_call_id");
    /** Values that stay cheap where a number of tokens is asked for: refused, or at most a few tokens. */
    static final List<String> TOKEN_COUNTS = List.of("0", "-1", "1", "3", "2147483647", "2147483648", "18446744073709551616", "1e309", "1.5",
            "\"3\"", "null", "[]", "{}", "true");
    static final List<String> ODD_TEXTS = List.of("", "\u0000", "\ud800", "\udfff\ud800", "\u202e<|end|>", "<|system|>", "<|user|>hi<|end|>",
            "\ufeff", "e\u0301\u0301\u0301", "🙂".repeat(50), "attention".repeat(300), "\n\r\t", "[DONE]", "data: x\n\n");
    static final List<String> ODD_SCALARS = List.of("null", "true", "false", "0", "-0", "1e309", "-1e309", "1e-400", "18446744073709551616",
            "-9223372036854775809", "2147483648", "1e-40", "0.5", "2", "1" + "0".repeat(900), "0." + "0".repeat(900) + "1");
    /** Invalid UTF-8: stray continuation bytes, truncated sequences, overlongs and surrogates. */
    static final List<byte[]> BAD_UTF8 = List.of(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xC3}, new byte[] {(byte) 0xE0, (byte) 0xA4},
            new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xFF, (byte) 0xFE});
    static final List<String> ODD_URL_VALUES = List.of("", "0", "-1", "51", "99999999999", "1e3", "AND (", "title:*", "\"unbalanced", "*",
            "%", "%E0%A4", "..", "../../etc/passwd", "\u0000");

    /** Counts of outcomes by label (say "status") and key, printed after each test. */
    static final Map<String, Map<String, Integer>> TALLY = new TreeMap<>();

    // ---------------------------------------------------------------- the tests

    record Post(String path, byte[] body) {
        String shownBody() {
            return new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
        }
    }

    /** Starts the shared server first, so each test's time is its own tries. */
    @BeforeAll
    static void startServer() throws Exception {
        TestServer.get();
    }

    @Test
    void noBodyGetsA5xxAndEveryRefusalIsAnOpenAiError() throws Exception {
        TALLY.clear();
        try {
            for (int i = 0; i < POST_TRIES; i++) {
                Post post = request(new Draw(SEED + i));
                tryOnce(i, SEED + i, "POST " + post.path() + " <- " + post.shownBody(), () -> checkPost(post));
            }
        } finally {
            printTally("noBodyGetsA5xxAndEveryRefusalIsAnOpenAiError");
        }
    }

    @Test
    void noGetGetsA5xx() throws Exception {
        TALLY.clear();
        try {
            for (int i = 0; i < GET_TRIES; i++) {
                String path = getUrl(new Draw(SEED + i));
                tryOnce(i, SEED + i, "GET " + path, () -> checkGet(path));
            }
        } finally {
            printTally("noGetGetsA5xx");
        }
    }

    interface Check {
        void run() throws Exception;
    }

    /** Runs one try; a failure names the try, its seed and its request, so it can be replayed. */
    static void tryOnce(int index, long seed, String request, Check check) {
        try {
            check.run();
        } catch (Throwable e) {
            throw new AssertionError("try " + index + ", seed " + seed + " (replay with -Dfuzz.seed=" + seed + "): " + request + "\n"
                    + e.getMessage(), e);
        }
    }

    static void checkPost(Post post) throws Exception {
        String path = post.path();
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(TestServer.url() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(post.body())).build(),
                HttpResponse.BodyHandlers.ofString());
        String shown = path + " <- " + post.shownBody() + " -> " + r.statusCode() + " " + r.body().substring(0, Math.min(r.body().length(), 300));
        count("status", path + " " + r.statusCode());
        assertThat(r.statusCode()).as(shown).isLessThan(500);
        if (r.statusCode() >= 400) {
            JsonNode e = Json.MAPPER.readTree(r.body()).get("error");
            assertThat(e).as(shown).isNotNull();
            assertThat(e.get("message").isTextual() && !e.get("message").asText().isBlank()).as(shown).isTrue();
            assertThat(e.get("type").isTextual()).as(shown).isTrue();
            assertThat(e.has("param") && e.has("code")).as(shown).isTrue();
            count("refusal", path.startsWith("/v1/") ? e.get("param").asText() + " " + e.get("code").asText() : "lab");
        } else if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            for (String line : r.body().lines().filter(l -> l.startsWith("data: {")).toList()) {
                JsonNode event = Json.MAPPER.readTree(line.substring(6));
                assertThat(event.has("error")).as(shown).isFalse();
                assertFinite(event, shown);
            }
        } else {
            assertFinite(Json.MAPPER.readTree(r.body()), shown);
        }
    }

    static void checkGet(String path) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(TestServer.url() + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        String shown = "GET " + path + " -> " + r.statusCode() + " " + r.body().substring(0, Math.min(r.body().length(), 300));
        String[] segments = path.split("[?]")[0].split("/");
        count("status", "/" + segments[1] + (segments.length > 2 ? "/" + segments[2].replaceAll("[^a-z].*", "") : "") + " " + r.statusCode());
        assertThat(r.statusCode()).as(shown).isLessThan(500);
        if (r.statusCode() >= 400 && !path.startsWith("/inspect/") && !path.startsWith("/course/")) {
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(shown).startsWith("application/json");
            JsonNode e = Json.MAPPER.readTree(r.body()).get("error");
            assertThat(e).as(shown).isNotNull();
            assertThat(e.has("message") && e.has("type") && e.has("param") && e.has("code")).as(shown).isTrue();
        }
    }

    static void assertFinite(JsonNode node, String shown) {
        node.properties().forEach(e -> {
            if (NUMERIC.contains(e.getKey())) {
                assertThat(e.getValue().isNumber() || e.getValue().isNull()).as(e.getKey() + " in " + shown).isTrue();
            }
            assertFinite(e.getValue(), shown);
        });
        if (node.isArray()) {
            node.forEach(child -> assertFinite(child, shown));
        }
    }

    @AfterAll
    static void theServerStillAnswers() throws Exception {
        assertThat(Http.get(TestServer.url() + "/health").statusCode()).isEqualTo(200);
        assertThat(TestServer.services().engine().stats().activeGenerations()).isZero();
    }

    static void count(String label, String key) {
        TALLY.computeIfAbsent(label, l -> new TreeMap<>()).merge(key, 1, Integer::sum);
    }

    static void printTally(String test) {
        TALLY.forEach((label, counts) -> {
            int total = counts.values().stream().mapToInt(Integer::intValue).sum();
            System.out.printf("[FuzzTest.%s] seed %d, %s (%d):%n", test, SEED, label, total);
            counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).forEach(c -> System.out
                    .printf("    %-48s %5d  %3d %%%n", c.getKey(), c.getValue(), Math.round(100.0 * c.getValue() / total)));
        });
    }

    // ---------------------------------------------------------------- generators

    /** A seeded source of random choices, with the few shapes the generators need. */
    static final class Draw {
        private final SplittableRandom random;

        Draw(long seed) {
            random = new SplittableRandom(seed);
        }

        /** A number from min to max, both included. */
        int between(int min, int max) {
            return random.nextInt(min, max + 1);
        }

        boolean chance(double probability) {
            return random.nextDouble() < probability;
        }

        <T> T pick(List<T> options) {
            return options.get(random.nextInt(options.size()));
        }

        /** The value of one of the generators, each as likely. */
        @SafeVarargs
        final <T> T oneOf(Supplier<T>... generators) {
            return generators[random.nextInt(generators.length)].get();
        }

        /** Up to maxSize items from the generator, as the items of a JSON array or object (without brackets). */
        String items(int minSize, int maxSize, Supplier<String> item) {
            List<String> items = new ArrayList<>();
            for (int n = between(minSize, maxSize); n > 0; n--) {
                items.add(item.get());
            }
            return String.join(",", items);
        }

        /** Any UTF-16 text up to maxLength chars, lone surrogates and control characters included. */
        String anyString(int maxLength) {
            StringBuilder s = new StringBuilder();
            for (int n = between(0, maxLength); n > 0; n--) {
                s.append((char) random.nextInt(Character.MAX_VALUE + 1));
            }
            return s.toString();
        }

        byte[] anyBytes(int maxLength) {
            byte[] bytes = new byte[between(0, maxLength)];
            random.nextBytes(bytes);
            return bytes;
        }

        /** Mostly small, sometimes the extremes. */
        int anyInt() {
            return chance(0.1) ? pick(List.of(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE)) : random.nextInt();
        }

        /** A finite double of any sign and magnitude, subnormals included. */
        double anyDouble() {
            return Math.scalb(random.nextDouble() * 2 - 1, between(-1074, 1023));
        }

        long anyLong() {
            return random.nextLong();
        }
    }

    static String oddText(Draw r) {
        return quote(r.oneOf(() -> r.anyString(40), () -> r.pick(ODD_TEXTS)));
    }

    /** A JSON string literal with every non-ASCII or control character escaped, so lone surrogates arrive as such. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    static String scalar(Draw r) {
        return r.oneOf(() -> r.pick(ODD_SCALARS), () -> String.valueOf(r.anyInt()), () -> String.valueOf(r.anyDouble()), () -> oddText(r));
    }

    /** Any JSON value nested up to three deep. */
    static String json(Draw r) {
        return json(r, r.between(0, 3));
    }

    static String json(Draw r, int depth) {
        if (depth == 0) {
            return scalar(r);
        }
        return r.oneOf(
                () -> "[" + r.items(0, 4, () -> json(r, depth - 1)) + "]",
                () -> "{" + r.items(0, 4, () -> quote(r.oneOf(() -> r.pick(FIELDS), () -> r.pick(INNER_KEYS))) + ":" + json(r, depth - 1)) + "}");
    }

    static String messages(Draw r) {
        return "[" + r.items(0, 5, () -> "{\"role\":" + role(r) + ",\"content\":" + content(r) + "}") + "]";
    }

    static String role(Draw r) {
        return r.oneOf(() -> r.pick(List.of("\"user\"", "\"system\"", "\"assistant\"", "\"tool\"", "\"developer\"")), () -> json(r));
    }

    static String content(Draw r) {
        return r.oneOf(() -> oddText(r), () -> json(r),
                () -> r.pick(List.of("[{\"type\":\"text\",\"text\":\"hi\"}]", "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]")));
    }

    /** Values a client could well send for a field: odd but valid combinations that reach generation. */
    static String plausible(Draw r, String field) {
        return switch (field) {
            case "model" -> r.pick(List.of("\"course-tiny\"", "\"glassbox-tutor\""));
            case "messages" -> messages(r);
            case "prompt", "user", "text" -> oddText(r);
            case "temperature" -> r.pick(List.of("0", "1e-40", "4.9e-324", "0.7", "2"));
            case "top_p" -> r.pick(List.of("1e-9", "0.5", "1"));
            case "top_k" -> r.pick(List.of("0", "1", "4096"));
            case "min_p", "presence_penalty", "frequency_penalty" -> r.pick(List.of("0", "0.5", "1", "-2", "2"));
            case "repetition_penalty" -> r.pick(List.of("0.01", "1", "10"));
            case "n" -> r.pick(List.of("1", "2", "3"));
            case "stop" -> "[" + r.items(0, 4, () -> oddText(r)) + "]";
            case "seed" -> String.valueOf(r.anyLong());
            case "logprobs" -> r.pick(List.of("true", "false", "0", "5", "20"));
            case "top_logprobs" -> r.pick(List.of("0", "3", "20"));
            case "stream", "special", "chat" -> r.pick(List.of("true", "false"));
            case "stream_options" -> r.pick(List.of("{\"include_usage\":true}", "{}"));
            case "logit_bias" -> "{\"" + r.between(0, 4095) + "\":" + r.between(-100, 100) + "}";
            case "trace" -> r.pick(List.of("true", "false", "{\"attention\":true,\"logit_lens\":true}", "{\"attention\":true}"));
            case "grounding" -> r.pick(List.of("\"passages\"", "\"off\""));
            case "response_format" -> r.pick(List.of("{\"type\":\"json_object\"}", "{\"type\":\"text\"}",
                    "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a\",\"schema\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}}}}}"));
            case "ids" -> "[" + r.items(0, 20, () -> String.valueOf(r.between(0, 4095))) + "]";
            default -> json(r);
        };
    }

    /** A new value for a field, or null (one time in ten) to delete it. */
    static String newValue(Draw r, String field) {
        if (r.chance(0.1)) {
            return null;
        }
        if (field.contains("tokens")) {
            return r.pick(TOKEN_COUNTS);
        }
        if (field.equals("n")) {
            return r.oneOf(() -> r.pick(TOKEN_COUNTS), () -> plausible(r, field));
        }
        return r.oneOf(() -> plausible(r, field), () -> json(r));
    }

    /** A valid body with one to three fields replaced by random values, deleted, or added. */
    static String mutated(Draw r, String path) {
        Map<String, String> b = valid(path);
        for (int changes = r.between(1, 3); changes > 0; changes--) {
            String field = r.pick(FIELDS);
            String value = newValue(r, field);
            if (value != null) {
                b.put(field, value);
            } else if (!field.contains("tokens")) {
                b.remove(field);
            }
        }
        List<String> parts = new ArrayList<>();
        b.forEach((k, v) -> parts.add(quote(k) + ":" + v));
        return "{" + String.join(",", parts) + "}";
    }

    /** An endpoint and a body for it: mostly its own valid body mutated, else anything. */
    static Post request(Draw r) {
        String path = r.pick(POSTS);
        return new Post(path, body(r, path));
    }

    /** Six in nine a body as UTF-8, two in nine with invalid UTF-8 spliced in, one in nine noise. */
    static byte[] body(Draw r, String path) {
        int kind = r.between(1, 9);
        if (kind <= 6) {
            return text(r, path).getBytes(StandardCharsets.UTF_8);
        }
        if (kind <= 8) {
            return withBadUtf8(r, text(r, path).getBytes(StandardCharsets.UTF_8));
        }
        return r.anyBytes(200);
    }

    static String text(Draw r, String path) {
        return r.oneOf(
                () -> mutated(r, path), () -> mutated(r, path), () -> mutated(r, path),
                () -> json(r),
                () -> "{\"model\":\"course-tiny\",\"messages\":" + "[".repeat(r.between(1, 200_000)) + "}",
                () -> {
                    int depth = r.between(1, 5_000);
                    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                },
                () -> r.anyString(60));
    }

    /** The body with a few bytes of invalid UTF-8 inserted anywhere in it. */
    static byte[] withBadUtf8(Draw r, byte[] body) {
        byte[] bad = r.pick(BAD_UTF8);
        int at = r.between(0, body.length);
        byte[] out = new byte[body.length + bad.length];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(body, at, out, at + bad.length, body.length - at);
        return out;
    }

    /** A GET endpoint with random path segments and query values (percent-encoded, so any character arrives). */
    static String getUrl(Draw r) {
        return r.oneOf(
                () -> "/api/search?q=" + urlValue(r) + "&k=" + urlValue(r),
                () -> "/api/search?q=" + urlValue(r),
                () -> "/api/search?q=" + urlValue(r) + "&fields=" + r.oneOf(() -> "true", () -> urlValue(r)),
                () -> "/api/traces/" + urlValue(r),
                () -> "/api/lessons/" + urlValue(r),
                () -> "/v1/models/" + urlValue(r),
                () -> "/inspect/" + urlValue(r),
                () -> "/course/" + urlValue(r));
    }

    static String urlValue(Draw r) {
        String value = r.oneOf(() -> r.anyString(60), () -> r.pick(ODD_URL_VALUES));
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
