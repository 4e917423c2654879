package glassbox.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

/** The requests of issue 13 that crashed, leaked or misled the server, each replayed as a client would send it. */
class HardeningTest {
    static final String CHAT = "/v1/chat/completions";
    static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    static JsonNode error(int status, int expected, String body) throws Exception {
        assertThat(status).as(body).isEqualTo(expected);
        JsonNode e = Json.MAPPER.readTree(body).get("error");
        assertThat(e).as(body).isNotNull();
        for (String field : List.of("message", "type", "param", "code")) {
            assertThat(e.has(field)).as(field + " in " + body).isTrue();
        }
        return e;
    }

    static JsonNode error(HttpResponse<String> r, int expected) throws Exception {
        return error(r.statusCode(), expected, r.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/v1/completions|{\"model\":\"course-tiny\",\"prompt\":\"hi\",\"max_tokens\":2147483647}",
            CHAT + "|{\"model\":\"course-tiny\"," + HI + ",\"max_tokens\":2147483647}",
            CHAT + "|{\"model\":\"course-tiny\"," + HI + ",\"max_completion_tokens\":2147483647}",
            CHAT + "|{\"model\":\"glassbox-tutor\"," + HI + ",\"max_tokens\":2147483647}"})
    void maxTokensAtIntMaxIsContextLengthExceeded(String pathAndBody) throws Exception {
        String[] p = pathAndBody.split("\\|", 2);
        JsonNode e = error(Http.post(TestServer.url() + p[0], p[1]), 400);
        assertThat(e.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(e.get("message").asText()).contains("2147483647").contains(Integer.toString(TestServer.contextLength())).doesNotContain("-");
    }

    @Test
    void metricsShowTheMemoryThatTracesAndTheHeapHold() throws Exception {
        Http.post(TestServer.url() + CHAT, "{\"model\":\"course-tiny\",\"max_tokens\":2,\"trace\":true," + HI + "}");
        String metrics = Http.get(TestServer.url() + "/metrics").body();
        long traceBytes = metrics.lines().filter(l -> l.startsWith("glassbox_traces_bytes ")).mapToLong(l -> (long) Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElse(-1);
        assertThat(traceBytes).isPositive().isEqualTo(TestServer.services().traces().bytes());
        assertThat(metrics).contains("glassbox_heap_used_bytes ").contains("glassbox_heap_max_bytes ");
    }

    @Test
    void aLegacyPromptOverTheContextNamesThePrompt() throws Exception {
        JsonNode e = error(Http.post(TestServer.url() + "/v1/completions", "{\"model\":\"course-tiny\",\"max_tokens\":10,\"prompt\":\""
                + "attention ".repeat(TestServer.contextLength() + 188) + "\"}"), 400);
        assertThat(e.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(e.get("param").asText()).isEqualTo("prompt");
    }

    @Test
    void aTinyTemperatureSamplesGreedilyWithFiniteLogprobs() throws Exception {
        HttpResponse<String> chat = Http.post(TestServer.url() + CHAT, "{\"model\":\"course-tiny\"," + HI
                + ",\"max_tokens\":4,\"temperature\":1e-40,\"logprobs\":true,\"top_logprobs\":3,\"seed\":1}");
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        assertThat(chat.body()).doesNotContain("NaN").doesNotContain("Infinity");
        JsonNode content = Http.json(chat).get("choices").get(0).get("logprobs").get("content");
        assertThat(content.size()).isPositive();
        for (JsonNode t : content) {
            assertThat(t.get("logprob").isNumber()).as(t.toString()).isTrue();
            assertThat(t.get("logprob").asDouble()).isLessThanOrEqualTo(0).isGreaterThan(-1e6);
        }
        HttpResponse<String> greedy = Http.post(TestServer.url() + CHAT, "{\"model\":\"course-tiny\"," + HI
                + ",\"max_tokens\":4,\"temperature\":0,\"seed\":1}");
        assertThat(Http.json(chat).get("choices").get(0).get("message").get("content").asText())
                .isEqualTo(Http.json(greedy).get("choices").get(0).get("message").get("content").asText());
        HttpResponse<String> legacy = Http.post(TestServer.url() + "/v1/completions",
                "{\"model\":\"course-tiny\",\"prompt\":\"The softmax\",\"max_tokens\":4,\"temperature\":1e-40,\"logprobs\":3}");
        assertThat(legacy.statusCode()).as(legacy.body()).isEqualTo(200);
        assertThat(legacy.body()).doesNotContain("NaN").doesNotContain("Infinity");
    }

    @ParameterizedTest
    @ValueSource(strings = {"18446744073709551616", "4294967296", "2147483648", "-2147483649", "1e3", "99999999999999999999999"})
    void detokenizeRefusesIdsOutsideTheVocabulary(String id) throws Exception {
        JsonNode e = error(Http.post(TestServer.url() + "/api/detokenize", "{\"ids\":[" + id + "]}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("ids");
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() throws Exception {
        byte[] body = ("{\"model\":\"course-tiny\",\"prompt\":\"" + "a".repeat(5 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        String url = TestServer.url();
        RawHttp.Response r = RawHttp.chunked(url, "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json",
                body, 64 * 1024);
        JsonNode e = error(r.status(), 413, r.body());
        assertThat(e.get("code").asText()).isEqualTo("request_too_large");
        assertThat(Http.get(url + "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aSmallChunkedBodyIsRead() throws Exception {
        byte[] body = "{\"text\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
        RawHttp.Response r = RawHttp.chunked(TestServer.url(), "POST /api/tokenize HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json",
                body, 4);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(r.body()).get("count").asInt()).isPositive();
    }

    @Test
    void aForeignHostOrOriginIsRefused() throws Exception {
        String url = TestServer.url();
        byte[] body = "{\"text\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
        // DNS rebinding: a page on evil.example whose name now points at 127.0.0.1
        RawHttp.Response rebound = RawHttp.send(url, "POST /api/tokenize HTTP/1.1\r\nHost: evil.example\r\nContent-Type: text/plain", body);
        assertThat(error(rebound.status(), 403, rebound.body()).get("code").asText()).isEqualTo("host_not_allowed");
        // a cross-site form or fetch: the right host, a foreign origin
        RawHttp.Response crossSite = RawHttp.send(url, "POST /api/tokenize HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example"
                + "\r\nContent-Type: text/plain", body);
        assertThat(error(crossSite.status(), 403, crossSite.body()).get("code").asText()).isEqualTo("origin_not_allowed");
        for (String host : List.of("127.0.0.1", "localhost:8080", "[::1]:1234", "LOCALHOST")) {
            RawHttp.Response ok = RawHttp.send(url, "POST /api/tokenize HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json", body);
            assertThat(ok.status()).as(host).isEqualTo(200);
        }
        String port = url.substring(url.lastIndexOf(':') + 1);
        RawHttp.Response sameOrigin = RawHttp.send(url, "POST /api/tokenize HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nOrigin: http://127.0.0.1:" + port + "\r\nContent-Type: application/json", body);
        assertThat(sameOrigin.status()).isEqualTo(200);
    }

    @Test
    void allowedHostsAndOriginsAreConfigurable() throws Exception {
        GlassboxServer open = new GlassboxServer(TestServer.config().withAllowedHosts(List.of("tutor.example.org"), List.of("https://course.example.org")),
                TestServer.services());
        open.start();
        try {
            byte[] body = "{\"text\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
            RawHttp.Response named = RawHttp.send(open.url(), "POST /api/tokenize HTTP/1.1\r\nHost: tutor.example.org\r\nOrigin: https://tutor.example.org"
                    + "\r\nContent-Type: application/json", body);
            assertThat(named.status()).as(named.body()).isEqualTo(200);
            RawHttp.Response other = RawHttp.send(open.url(), "POST /api/tokenize HTTP/1.1\r\nHost: tutor.example.org\r\nOrigin: https://course.example.org"
                    + "\r\nContent-Type: application/json", body);
            assertThat(other.status()).as(other.body()).isEqualTo(200);
            RawHttp.Response evil = RawHttp.send(open.url(), "POST /api/tokenize HTTP/1.1\r\nHost: evil.example\r\nContent-Type: application/json", body);
            assertThat(evil.status()).isEqualTo(403);
        } finally {
            open.stop();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/course/01-the-neuron", "/inspect/trace-x", "/tokenize", "/sampling", "/training",
            "/static/js/chat.js", "/static/app.css", "/health", "/v1/models"})
    void everyResponseCarriesSecurityHeaders(String path) throws Exception {
        HttpResponse<String> r = Http.get(TestServer.url() + path);
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("frame-ancestors 'none'").contains("default-src 'self'").contains("script-src 'self'")
                .doesNotContain("unsafe-eval"));
    }

    @Test
    void anApiKeyProtectsTheLabEndpointsThatRunTheModelOrShowPrompts() throws Exception {
        GlassboxServer locked = new GlassboxServer(TestServer.config().withApiKey("s3cret"), TestServer.services());
        locked.start();
        try {
            String[][] refused = {
                    {"POST", "/api/distribution", "{\"text\":\"hi\"}"},
                    {"POST", "/api/tokenize", "{\"text\":\"hi\"}"},
                    {"POST", "/api/detokenize", "{\"ids\":[1]}"},
                    {"GET", "/api/traces/trace-anything", null},
                    {"POST", CHAT, "{}"}};
            for (String[] r : refused) {
                for (String key : new String[] {null, "Bearer nope", "Bearer s3cre", "Bearer s3cret2", "s3cret"}) {
                    HttpResponse<String> res = send(locked.url(), r, key);
                    assertThat(error(res, 401).get("code").asText()).as(r[1] + " with " + key).isEqualTo("invalid_api_key");
                }
                assertThat(send(locked.url(), r, "Bearer s3cret").statusCode()).as(r[1]).isNotEqualTo(401);
            }
            for (String open : List.of("/health", "/", "/api/lessons", "/static/js/chat.js")) {
                assertThat(Http.get(locked.url() + open).statusCode()).as(open).isEqualTo(200);
            }
        } finally {
            locked.stop();
        }
    }

    private static HttpResponse<String> send(String base, String[] r, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + r[1])).header("Content-Type", "application/json");
        if (auth != null) {
            b.header("Authorization", auth);
        }
        b.method(r[0], r[2] == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(r[2]));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsAreCappedBeforeAnyWork() throws Exception {
        String message = "{\"role\":\"user\",\"content\":\"hi\"}";
        String many = "[" + String.join(",", java.util.Collections.nCopies(257, message)) + "]";
        assertThat(error(Http.post(TestServer.url() + CHAT, "{\"model\":\"course-tiny\",\"messages\":" + many + "}"), 400)
                .get("code").asText()).isEqualTo("array_above_max_length");
        String long60k = "{\"role\":\"user\",\"content\":\"" + "a ".repeat(30_000) + "\"}";
        assertThat(error(Http.post(TestServer.url() + CHAT, "{\"model\":\"glassbox-tutor\",\"messages\":[" + long60k + "," + long60k + "]}"), 400)
                .get("code").asText()).isEqualTo("string_above_max_length");
        assertThat(error(Http.post(TestServer.url() + "/v1/completions", "{\"model\":\"course-tiny\",\"prompt\":\"" + "a".repeat(100_001) + "\"}"),
                400).get("param").asText()).isEqualTo("prompt");
        for (String stop : List.of("\"\"", "\"" + "x".repeat(257) + "\"")) {
            assertThat(error(Http.post(TestServer.url() + CHAT, "{\"model\":\"course-tiny\"," + HI + ",\"stop\":[" + stop + "]}"), 400)
                    .get("param").asText()).isEqualTo("stop");
        }
    }

    @Test
    void aRequestThatWaitsTooLongForASlotGets429WithRetryAfter() throws Exception {
        ServerConfig config = TestServer.config().withLimits(ServerConfig.DEFAULT_MAX_BODY, 1, 4).withQueueTimeout(java.time.Duration.ofMillis(100));
        Services services = Services.load(config, System.err);
        GlassboxServer one = new GlassboxServer(config, services);
        one.start();
        try {
            java.net.http.HttpResponse<java.io.InputStream> holding = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(one.url() + CHAT))
                    .POST(HttpRequest.BodyPublishers.ofString(endlessStream(services, 400))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            holding.body().read(new byte[64]);   // the slot is taken and generating now
            HttpResponse<String> waited = Http.post(one.url() + CHAT, "{\"model\":\"course-tiny\",\"max_tokens\":2," + HI + "}");
            assertThat(error(waited, 429).get("code").asText()).isEqualTo("server_busy");
            assertThat(waited.headers().firstValue("Retry-After")).isPresent();
            holding.body().close();
        } finally {
            one.stop();
            services.close();
        }
    }

    @Test
    void cachedTokensDoNotRevealAnotherClientsConversation() throws Exception {
        String secret = "{\"model\":\"course-tiny\",\"max_tokens\":2,\"seed\":1,\"user\":\"student\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"My secret question about dropout in layer norms " + System.nanoTime() + "\"}";
        assertThat(chatAs("Bearer alice", secret + "]}").statusCode()).isEqualTo(200);
        // alice's follow-up reuses her cache (so the cache is on) ...
        JsonNode followUp = Http.json(chatAs("Bearer alice", secret + ",{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "{\"role\":\"user\",\"content\":\"more\"}]}"));
        assertThat(followUp.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt()).isPositive();
        // ... but mallory, guessing the same first question with the same user name, learns nothing from cached_tokens
        JsonNode probe = Http.json(chatAs("Bearer mallory", secret + "]}"));
        assertThat(probe.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt()).isZero();
    }

    private static HttpResponse<String> chatAs(String authorization, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(TestServer.url() + CHAT)).header("Authorization", authorization)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aQueuedClientThatLeavesLeavesTheQueueAndARunningAnswerWhoseClientLeftStops() throws Exception {
        ServerConfig config = TestServer.config().withLimits(ServerConfig.DEFAULT_MAX_BODY, 1, 4).withQueueTimeout(java.time.Duration.ofSeconds(60));
        Services services = Services.load(config, System.err);
        GlassboxServer one = new GlassboxServer(config, services);
        one.start();
        var engine = services.engine();
        try {
            String endless = endlessStream(services, 480).replace("\"stream\":true", "\"stream\":false");
            try (var held = engine.acquire()) {
                java.net.Socket waiting = openRequest(one.url(), endless);
                awaitUntil(() -> engine.stats().queued() == 1);
                waiting.close();
                awaitUntil(() -> engine.stats().queued() == 0);   // left the queue while the slot is still held
            }
            long before = engine.stats().tokensGenerated();
            java.net.Socket running = openRequest(one.url(), endless);
            awaitUntil(() -> engine.stats().activeGenerations() == 1);
            running.close();
            awaitUntil(() -> engine.stats().activeGenerations() == 0);
            assertThat(engine.stats().tokensGenerated() - before).isLessThan(400);
            assertThat(Http.post(one.url() + CHAT, "{\"model\":\"course-tiny\",\"max_tokens\":2," + HI + "}").statusCode()).isEqualTo(200);
        } finally {
            one.stop();
            services.close();
        }
    }

    /** Sends a JSON POST to the chat endpoint and leaves the connection open without reading. */
    private static java.net.Socket openRequest(String base, String body) throws Exception {
        URI uri = URI.create(base);
        java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(("POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return socket;
    }

    /** Waits (at most 20 s) until the condition holds; fails if it never does. */
    private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("condition not reached in 20 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void theApiDescriptionSaysWhichEndpointsNeedTheKey() throws Exception {
        JsonNode paths = Http.json(Http.get(TestServer.url() + "/openapi.json")).get("paths");
        for (var path : (Iterable<java.util.Map.Entry<String, JsonNode>>) paths::fields) {
            for (var op : (Iterable<java.util.Map.Entry<String, JsonNode>>) path.getValue()::fields) {
                String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
                String where = method + " " + path.getKey();
                boolean documented = op.getValue().has("security") && op.getValue().get("responses").has("401");
                assertThat(documented).as(where).isEqualTo(ApiKeyGuard.isProtected(method, path.getKey().replace("{id}", "x").replace("{slug}", "x")));
                assertThat(op.getValue().get("responses").has("403")).as(where).isTrue();
            }
        }
    }

    /** A streamed chat that cannot end early: both end-of-text tokens are banned. */
    static String endlessStream(Services services, int maxTokens) {
        var t = services.engine().tokenizer();
        return "{\"model\":\"course-tiny\",\"stream\":true,\"max_tokens\":" + maxTokens + ",\"logit_bias\":{\""
                + t.id(glassbox.model.tokenizer.SpecialToken.END) + "\":-100,\"" + t.id(glassbox.model.tokenizer.SpecialToken.EOS) + "\":-100},"
                + HI + "}";
    }

    @Test
    void aJsonErrorSaysWhereAndWhat() throws Exception {
        JsonNode e = error(Http.post(TestServer.url() + CHAT, "{\"model\": ,}"), 400);
        assertThat(e.get("code").asText()).isEqualTo("invalid_json");
        assertThat(e.get("message").asText()).contains("line 1, column 11");
        JsonNode truncated = error(Http.post(TestServer.url() + "/api/tokenize", "{\"text\":\"abc"), 400);
        assertThat(truncated.get("message").asText()).contains("end-of-input");
        HttpResponse<String> badUtf8 = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(TestServer.url() + "/api/tokenize"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, '"', '}'}))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(error(badUtf8, 400).get("message").asText()).contains("UTF-8");
        JsonNode empty = error(Http.post(TestServer.url() + CHAT, ""), 400);
        assertThat(empty.get("message").asText()).contains("empty");
    }
}
