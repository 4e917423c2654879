package glassbox.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.tokenizer.SpecialToken;
import glassbox.server.GlassboxServer;
import glassbox.server.Http;
import glassbox.server.ServerConfig;
import glassbox.server.TestServer;

/** Bad input gets a 4xx with an OpenAI error body, never a 500, and the server keeps serving. */
class ErrorsTest {
    static final String CHAT = "/v1/chat/completions";

    static void assertError(HttpResponse<String> r, int status, String param) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = Http.json(r).get("error");
        assertThat(e.get("message").asText()).isNotBlank();
        assertThat(e.get("type").asText()).isNotBlank();
        assertThat(e.has("param")).isTrue();
        assertThat(e.has("code")).isTrue();
        if (param != null) {
            assertThat(e.get("param").asText()).isEqualTo(param);
        }
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at glassbox.");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{not json|",
            "[1,2]|",
            "{\"model\":\"course-tiny\"}|messages",
            "{\"model\":\"course-tiny\",\"messages\":[]}|messages",
            "{\"model\":\"course-tiny\",\"messages\":\"hi\"}|messages",
            "{\"model\":\"course-tiny\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}|messages[0].role",
            "{\"model\":\"course-tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":\"hot\"}|temperature",
            "{\"model\":\"course-tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":5}|temperature",
            "{\"model\":\"course-tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":0}|max_tokens",
            "{\"model\":\"course-tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":99}|n",
            "{\"model\":\"course-tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"top_logprobs\":3}|top_logprobs",
            "{\"model\":\"course-tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logprobs\":true,\"top_logprobs\":21}|top_logprobs",
            "{\"model\":\"course-tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":[1,2]}|stop",
            "{\"model\":\"course-tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logit_bias\":{\"abc\":1}}|logit_bias",
            "{\"model\":\"course-tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logit_bias\":{\"99999\":1}}|logit_bias",
            "{\"model\":\"course-tiny\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}|messages[0].content",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|model"})
    void badChatRequestsAre400(String body, String param) throws Exception {
        assertError(Http.post(TestServer.url() + CHAT, body), 400, param);
        assertThat(Http.get(TestServer.url() + "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void badCompletionRequestsAre400() throws Exception {
        assertError(Http.post(TestServer.url() + "/v1/completions", "{\"model\":\"course-tiny\"}"), 400, "prompt");
        assertError(Http.post(TestServer.url() + "/v1/completions", "{\"model\":\"course-tiny\",\"prompt\":\"\"}"), 400, "prompt");
        assertError(Http.post(TestServer.url() + "/v1/completions", "{\"model\":\"course-tiny\",\"prompt\":[\"a\",\"b\"]}"), 400, "prompt");
    }

    @Test
    void unknownModelIs404AndUnknownFieldsAreIgnored() throws Exception {
        HttpResponse<String> r = Http.post(TestServer.url() + CHAT, "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertError(r, 404, "model");
        assertThat(Http.json(r).get("error").get("code").asText()).isEqualTo("model_not_found");
        HttpResponse<String> ok = Http.post(TestServer.url() + CHAT,
                "{\"model\":\"course-tiny\",\"max_tokens\":3,\"frobnicate\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("X-Trace-Id")).isPresent();
    }

    @Test
    void anOversizedBodyIs413() throws Exception {
        String big = "{\"model\":\"course-tiny\",\"prompt\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}";
        assertError(Http.post(TestServer.url() + "/v1/completions", big), 413, null);
        assertThat(Http.get(TestServer.url() + "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aPromptOverTheContextIs400WithBothNumbers() throws Exception {
        int context = TestServer.contextLength();
        String longText = "attention ".repeat(context + 188);
        HttpResponse<String> r = Http.post(TestServer.url() + "/v1/completions",
                "{\"model\":\"course-tiny\",\"max_tokens\":10,\"prompt\":\"" + longText + "\"}");
        assertError(r, 400, null);
        assertThat(Http.json(r).get("error").get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(Http.json(r).get("error").get("message").asText()).contains(Integer.toString(context)).contains("10 for the completion");
    }

    @Test
    void unknownApiPathsAreJson404() throws Exception {
        assertError(Http.get(TestServer.url() + "/v1/nothing-here"), 404, null);
    }

    @Test
    void anApiKeyProtectsV1ButNotHealth() throws Exception {
        GlassboxServer locked = new GlassboxServer(TestServer.config().withApiKey("s3cret"), TestServer.services());
        locked.start();
        try {
            assertError(Http.get(locked.url() + "/v1/models"), 401, null);
            HttpResponse<String> wrong = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(locked.url() + "/v1/models"))
                    .header("Authorization", "Bearer nope").build(), HttpResponse.BodyHandlers.ofString());
            assertError(wrong, 401, null);
            HttpResponse<String> right = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(locked.url() + "/v1/models"))
                    .header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(Http.get(locked.url() + "/health").statusCode()).isEqualTo(200);
        } finally {
            locked.stop();
        }
    }

    static String longStream(int maxTokens) throws Exception {
        glassbox.model.tokenizer.BpeTokenizer tokenizer = TestServer.services().engine().tokenizer();
        int end = tokenizer.id(SpecialToken.END);
        int eos = tokenizer.id(SpecialToken.EOS);
        return "{\"model\":\"course-tiny\",\"stream\":true,\"max_tokens\":" + maxTokens + ",\"seed\":1,\"logit_bias\":{\"" + end
                + "\":-100,\"" + eos + "\":-100},\"messages\":[{\"role\":\"user\",\"content\":\"Tell me everything.\"}]}";
    }

    @Test
    void aFullQueueIs429WithRetryAfterAndADisconnectFreesTheSlot() throws Exception {
        ServerConfig config = TestServer.config().withLimits(ServerConfig.DEFAULT_MAX_BODY, 1, 0);
        glassbox.server.Services services = glassbox.server.Services.load(config, System.err);
        GlassboxServer one = new GlassboxServer(config, services);
        one.start();
        try {
            long before = services.engine().stats().tokensGenerated();
            // As long as the context allows, so the stream is still running when the client leaves, even on a busy machine
            // (400 tokens once finished before the close on CI).
            int longest = TestServer.contextLength() - 64;
            HttpResponse<InputStream> streaming = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(one.url() + CHAT))
                    .POST(HttpRequest.BodyPublishers.ofString(longStream(longest))).build(), HttpResponse.BodyHandlers.ofInputStream());
            InputStream in = streaming.body();
            in.read(new byte[64]);   // the generation is running now
            HttpResponse<String> busy = Http.post(one.url() + CHAT, "{\"model\":\"course-tiny\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertError(busy, 429, null);
            assertThat(busy.headers().firstValue("Retry-After")).isPresent();
            assertError(Http.post(one.url() + CHAT, longStream(2)), 429, null);   // a stream is refused before it starts
            in.close();   // the client goes away: the generation must stop and free its slot
            long deadline = System.currentTimeMillis() + 10_000;
            while (services.engine().stats().activeGenerations() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(services.engine().stats().activeGenerations()).isZero();
            assertThat(services.engine().stats().tokensGenerated() - before).isLessThan(longest);
            // The slot is released once the handler has finished (trace stored, stream closed), a moment after
            // the generation stops: a new request gets it within the deadline; a slot never freed stays 429.
            int status;
            do {
                status = Http.post(one.url() + CHAT, "{\"model\":\"course-tiny\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .statusCode();
                if (status == 429) {
                    Thread.sleep(50);
                }
            } while (status == 429 && System.currentTimeMillis() < deadline);
            assertThat(status).isEqualTo(200);
        } finally {
            one.stop();
            services.engine().close();
        }
    }

    @Test
    void streamedChunksEndWithDone() throws Exception {
        HttpResponse<String> r = Http.post(TestServer.url() + CHAT, longStream(5));
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> events = r.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertThat(events.getLast()).isEqualTo("data: [DONE]");
        assertThat(Json_read(events.getFirst()).get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        assertThat(Json_read(events.get(events.size() - 2)).get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    }

    static JsonNode Json_read(String event) throws Exception {
        return glassbox.server.Json.MAPPER.readTree(event.substring("data: ".length()));
    }

    @Test
    void concurrentRequestsAllGetAnAnswer() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.add(HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create(TestServer.url() + CHAT))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"course-tiny\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (var f : all) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void fiftyAbortedStreamsLeaveTheServerFree() throws Exception {
        for (int i = 0; i < 50; i++) {
            HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(TestServer.url() + CHAT))
                    .POST(HttpRequest.BodyPublishers.ofString(longStream(400))).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).as("stream %d admitted", i).isEqualTo(200);
            r.body().read(new byte[64]);
            r.body().close();
        }
        // If aborted generations kept running, 50 x 400 tokens would still occupy the slot and the queue.
        HttpResponse<String> next = Http.post(TestServer.url() + CHAT, "{\"model\":\"course-tiny\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(next.statusCode()).isEqualTo(200);
        long deadline = System.currentTimeMillis() + 10_000;
        while (TestServer.services().engine().stats().activeGenerations() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(TestServer.services().engine().stats().activeGenerations()).isZero();
        assertThat(TestServer.services().engine().stats().queued()).isZero();
    }
}
