package glassbox.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Random and mutated bodies against every POST endpoint of the real server, and random path
 * segments and query values against its GET endpoints: wrong types, huge
 * numbers, deep nesting, odd Unicode (escaped lone surrogates, NUL, bidi controls) and invalid
 * UTF-8. Whatever arrives, the answer is never a 5xx, a 4xx always has the OpenAI error shape,
 * no number in a 200 is NaN, and the server keeps answering {@code /health}. Tries are bounded
 * (and generation kept to a few tokens), so the run takes well under a minute.
 */
class FuzzTest {
    static final List<String> POSTS = List.of("/v1/chat/completions", "/v1/completions", "/api/tokenize", "/api/detokenize",
            "/api/distribution");
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** Fields whose value is a number the API reports; none may be NaN or infinite (which Jackson would write as a string). */
    static final List<String> NUMERIC = List.of("logprob", "prob", "logit", "entropy", "score", "prefill_ms", "decode_ms");

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
            case "/v1/completions" -> {
                b.put("model", "\"course-tiny\"");
                b.put("prompt", "\"The softmax\"");
                b.put("max_tokens", "2");
            }
            case "/api/detokenize" -> b.put("ids", "[1,2,3]");
            default -> b.put("text", "\"attention\"");
        }
        return b;
    }

    static final List<String> FIELDS = List.of("model", "messages", "prompt", "max_tokens", "max_completion_tokens", "temperature", "top_p",
            "top_k", "min_p", "n", "stop", "seed", "logprobs", "top_logprobs", "stream", "stream_options", "logit_bias", "user", "trace",
            "grounding", "presence_penalty", "frequency_penalty", "repetition_penalty", "response_format", "text", "ids", "special", "chat");
    /** Values that stay cheap where a number of tokens is asked for: refused, or at most a few tokens. */
    static final List<String> TOKEN_COUNTS = List.of("0", "-1", "1", "3", "2147483647", "2147483648", "18446744073709551616", "1e309", "1.5",
            "\"3\"", "null", "[]", "{}", "true");

    static Arbitrary<String> oddText() {
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(40);
        Arbitrary<String> picked = Arbitraries.of("", "\u0000", "\ud800", "\udfff\ud800", "\u202e<|end|>", "<|system|>", "<|user|>hi<|end|>",
                "\ufeff", "e\u0301\u0301\u0301", "🙂".repeat(50), "attention".repeat(300), "\n\r\t", "[DONE]", "data: x\n\n");
        return Arbitraries.oneOf(any, picked).map(FuzzTest::quote);
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

    static Arbitrary<String> scalar() {
        return Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-0", "1e309", "-1e309", "1e-400", "18446744073709551616", "-9223372036854775809",
                        "2147483648", "1e-40", "0.5", "2", "1" + "0".repeat(900), "0." + "0".repeat(900) + "1"),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                oddText());
    }

    static Arbitrary<String> json() {
        return Arbitraries.recursive(FuzzTest::scalar, v -> Arbitraries.oneOf(
                v.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"),
                Combinators.combine(Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.of("role", "content", "type", "include_usage",
                        "attention", "logit_lens", "json_schema")), v).as((k, x) -> quote(k) + ":" + x).list().ofMaxSize(4)
                        .map(l -> "{" + String.join(",", l) + "}")), 0, 3);
    }

    static Arbitrary<String> messages() {
        Arbitrary<String> role = Arbitraries.oneOf(Arbitraries.of("\"user\"", "\"system\"", "\"assistant\"", "\"tool\"", "\"developer\""), json());
        Arbitrary<String> content = Arbitraries.oneOf(oddText(), json(),
                Arbitraries.of("[{\"type\":\"text\",\"text\":\"hi\"}]", "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]"));
        Arbitrary<String> message = Combinators.combine(role, content).as((r, c) -> "{\"role\":" + r + ",\"content\":" + c + "}");
        return message.list().ofMaxSize(5).map(l -> "[" + String.join(",", l) + "]");
    }

    /** Values a client could well send for a field: odd but valid combinations that reach generation. */
    static Arbitrary<String> plausible(String field) {
        return switch (field) {
            case "model" -> Arbitraries.of("\"course-tiny\"", "\"glassbox-tutor\"");
            case "messages" -> messages();
            case "prompt", "user", "text" -> oddText();
            case "temperature" -> Arbitraries.of("0", "1e-40", "4.9e-324", "0.7", "2");
            case "top_p" -> Arbitraries.of("1e-9", "0.5", "1");
            case "top_k" -> Arbitraries.of("0", "1", "4096");
            case "min_p", "presence_penalty", "frequency_penalty" -> Arbitraries.of("0", "0.5", "1", "-2", "2");
            case "repetition_penalty" -> Arbitraries.of("0.01", "1", "10");
            case "n" -> Arbitraries.of("1", "2", "3");
            case "stop" -> oddText().list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
            case "seed" -> Arbitraries.longs().map(String::valueOf);
            case "logprobs" -> Arbitraries.of("true", "false", "0", "5", "20");
            case "top_logprobs" -> Arbitraries.of("0", "3", "20");
            case "stream", "special", "chat" -> Arbitraries.of("true", "false");
            case "stream_options" -> Arbitraries.of("{\"include_usage\":true}", "{}");
            case "logit_bias" -> Combinators.combine(Arbitraries.integers().between(0, 4095), Arbitraries.integers().between(-100, 100))
                    .as((id, b) -> "{\"" + id + "\":" + b + "}");
            case "trace" -> Arbitraries.of("true", "false", "{\"attention\":true,\"logit_lens\":true}", "{\"attention\":true}");
            case "grounding" -> Arbitraries.of("\"passages\"", "\"off\"");
            case "response_format" -> Arbitraries.of("{\"type\":\"json_object\"}", "{\"type\":\"text\"}",
                    "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a\",\"schema\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}}}}}");
            case "ids" -> Arbitraries.integers().between(0, 4095).list().ofMaxSize(20).map(l -> l.toString().replace(" ", ""));
            default -> json();
        };
    }

    /** A valid body with one to three fields replaced by random values, deleted, or added. */
    static Arbitrary<String> mutated(String path) {
        Arbitrary<String> field = Arbitraries.of(FIELDS);
        Arbitrary<Map.Entry<String, String>> change = field.flatMap(f -> {
            Arbitrary<String> value = f.contains("tokens") ? Arbitraries.of(TOKEN_COUNTS)
                    : f.equals("n") ? Arbitraries.oneOf(Arbitraries.of(TOKEN_COUNTS), plausible(f)) : Arbitraries.oneOf(plausible(f), json());
            return value.injectNull(0.1).map(v -> Map.entry(f, v == null ? "<delete>" : v));
        });
        return change.list().ofMinSize(1).ofMaxSize(3).map(changes -> {
            Map<String, String> b = valid(path);
            for (Map.Entry<String, String> c : changes) {
                if (c.getValue().equals("<delete>")) {
                    if (!c.getKey().contains("tokens")) {
                        b.remove(c.getKey());
                    }
                } else {
                    b.put(c.getKey(), c.getValue());
                }
            }
            List<String> parts = new ArrayList<>();
            b.forEach((k, v) -> parts.add(quote(k) + ":" + v));
            return "{" + String.join(",", parts) + "}";
        });
    }

    /** An endpoint and a body for it: mostly its own valid body mutated, else anything. */
    @Provide
    Arbitrary<Tuple.Tuple2<String, byte[]>> requests() {
        return Arbitraries.of(POSTS).flatMap(path -> bodies(path).map(body -> Tuple.of(path, body)));
    }

    static Arbitrary<byte[]> bodies(String path) {
        Arbitrary<String> text = Arbitraries.oneOf(
                mutated(path), mutated(path), mutated(path),
                json(),
                Arbitraries.integers().between(1, 200_000).map(depth -> "{\"model\":\"course-tiny\",\"messages\":" + "[".repeat(depth) + "}"),
                Arbitraries.integers().between(1, 5_000).map(depth -> "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)),
                Arbitraries.strings().all().ofMaxLength(60));
        Arbitrary<byte[]> utf8 = text.map(s -> s.getBytes(StandardCharsets.UTF_8));
        // Invalid UTF-8: stray continuation bytes, truncated sequences, overlongs and surrogates spliced into a body.
        Arbitrary<byte[]> broken = Combinators.combine(utf8, Arbitraries.of(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xC3},
                new byte[] {(byte) 0xE0, (byte) 0xA4}, new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xFF, (byte) 0xFE}), Arbitraries.doubles().between(0, 1)).as((body, bad, where) -> {
            int at = (int) (where * body.length);
            byte[] out = new byte[body.length + bad.length];
            System.arraycopy(body, 0, out, 0, at);
            System.arraycopy(bad, 0, out, at, bad.length);
            System.arraycopy(body, at, out, at + bad.length, body.length - at);
            return out;
        });
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        return Arbitraries.frequencyOf(Tuple.of(6, utf8), Tuple.of(2, broken), Tuple.of(1, noise));
    }

    // Edge cases off: jqwik's edge cases of these nested generators are mostly the first field with the first odd value.
    @Property(tries = 800, edgeCases = EdgeCasesMode.NONE)
    void noBodyGetsA5xxAndEveryRefusalIsAnOpenAiError(@ForAll("requests") Tuple.Tuple2<String, byte[]> request) throws Exception {
        String path = request.get1();
        byte[] body = request.get2();
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(TestServer.url() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        String shown = path + " <- " + new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8) + " -> " + r.statusCode() + " "
                + r.body().substring(0, Math.min(r.body().length(), 300));
        Statistics.label("status").collect(path, r.statusCode());
        assertThat(r.statusCode()).as(shown).isLessThan(500);
        if (r.statusCode() >= 400) {
            JsonNode e = Json.MAPPER.readTree(r.body()).get("error");
            assertThat(e).as(shown).isNotNull();
            assertThat(e.get("message").isTextual() && !e.get("message").asText().isBlank()).as(shown).isTrue();
            assertThat(e.get("type").isTextual()).as(shown).isTrue();
            assertThat(e.has("param") && e.has("code")).as(shown).isTrue();
            Statistics.label("refusal").collect(path.startsWith("/v1/") ? e.get("param").asText() + " " + e.get("code").asText() : "lab");
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

    /** GET endpoints with random path segments and query values (percent-encoded, so any character arrives). */
    @Provide
    Arbitrary<String> getUrls() {
        Arbitrary<String> any = Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(60), Arbitraries.of("", "0", "-1", "51", "99999999999",
                "1e3", "AND (", "title:*", "\"unbalanced", "*", "%", "%E0%A4", "..", "../../etc/passwd", "\u0000"));
        Arbitrary<String> encoded = any.map(v -> java.net.URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20"));
        return Arbitraries.oneOf(
                Combinators.combine(encoded, encoded).as((q, k) -> "/api/search?q=" + q + "&k=" + k),
                encoded.map(q -> "/api/search?q=" + q),
                encoded.map(id -> "/api/traces/" + id),
                encoded.map(id -> "/api/lessons/" + id),
                encoded.map(id -> "/v1/models/" + id),
                encoded.map(id -> "/inspect/" + id),
                encoded.map(id -> "/course/" + id));
    }

    @Property(tries = 300)
    void noGetGetsA5xx(@ForAll("getUrls") String path) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(TestServer.url() + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        String shown = "GET " + path + " -> " + r.statusCode() + " " + r.body().substring(0, Math.min(r.body().length(), 300));
        String[] segments = path.split("[?]")[0].split("/");
        Statistics.label("status").collect("/" + segments[1] + (segments.length > 2 ? "/" + segments[2].replaceAll("[^a-z].*", "") : ""),
                r.statusCode());
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

    @AfterContainer
    static void theServerStillAnswers() throws Exception {
        assertThat(Http.get(TestServer.url() + "/health").statusCode()).isEqualTo(200);
        assertThat(TestServer.services().engine().stats().activeGenerations()).isZero();
    }
}
