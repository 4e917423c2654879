package glassbox.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import glassbox.model.tokenizer.SpecialToken;
import glassbox.server.GlassboxServer;
import glassbox.server.Http;
import glassbox.server.ServerConfig;
import glassbox.server.Services;
import glassbox.server.TestServer;

/**
 * Concurrent streamed chats on a server with several slots decode together (one batched forward
 * per step) and each streams exactly the text it streams alone; the metrics' batch-size histogram
 * sees the batches. Its own server: the shared test server has one slot.
 */
class BatchedStreamsTest {
    static GlassboxServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig config = TestServer.config().withLimits(ServerConfig.DEFAULT_MAX_BODY, 8, 8);
        server = new GlassboxServer(config, Services.load(config, System.err));
        server.start();
        client = OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey("not-needed").maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        server.services().close();
    }

    /** The text a streamed chat sends, and how it finished. */
    record Streamed(String text, String finish) {
    }

    static Streamed stream(ChatCompletionCreateParams p) {
        StringBuilder text = new StringBuilder();
        String finish = null;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            for (ChatCompletionChunk c : (Iterable<ChatCompletionChunk>) s.stream()::iterator) {
                for (var choice : c.choices()) {
                    choice.delta().content().ifPresent(text::append);
                    if (choice.finishReason().isPresent()) {
                        finish = choice.finishReason().get().asString();
                    }
                }
            }
        }
        return new Streamed(text.toString(), finish);
    }

    static ChatCompletionCreateParams chat(String question, int maxTokens, double temperature, long seed, boolean banEnd) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(ChatModel.of("course-tiny")).addUserMessage(question)
                .maxCompletionTokens(maxTokens).temperature(temperature).seed(seed);
        if (banEnd) {
            int end = server.services().engine().tokenizer().id(SpecialToken.END);
            b.putAdditionalBodyProperty("logit_bias", JsonValue.from(Map.of(String.valueOf(end), -100)));
        }
        return b.build();
    }

    @Test
    void concurrentStreamedChatsEachEqualTheirSoloRun() throws Exception {
        List<ChatCompletionCreateParams> chats = List.of(
                chat("What is attention?", 40, 1.0, 1, true),
                chat("Explain a neuron.", 30, 0.7, 2, true),
                chat("What does the softmax do?", 35, 0.0, 3, false),
                chat("How is a model trained?", 40, 1.2, 4, true),
                chat("What is a token?", 20, 0.9, 5, false),
                chat("Why do we sample with a temperature?", 45, 1.0, 6, true));
        List<Streamed> alone = new ArrayList<>();
        for (ChatCompletionCreateParams p : chats) {
            alone.add(stream(p));
        }
        String before = Http.get(server.url() + "/metrics").body();

        ExecutorService pool = Executors.newFixedThreadPool(chats.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Streamed>> together = new ArrayList<>();
            for (ChatCompletionCreateParams p : chats) {
                together.add(pool.submit(() -> {
                    go.await();
                    return stream(p);
                }));
            }
            go.countDown();
            for (int i = 0; i < chats.size(); i++) {
                assertThat(together.get(i).get(60, TimeUnit.SECONDS)).as("chat %d", i).isEqualTo(alone.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
        String after = Http.get(server.url() + "/metrics").body();
        double steps = value(after, "glassbox_decode_batch_size_count") - value(before, "glassbox_decode_batch_size_count");
        double ofOne = value(after, "glassbox_decode_batch_size_bucket{le=\"1.0\"}") - value(before, "glassbox_decode_batch_size_bucket{le=\"1.0\"}");
        assertThat(steps).as("tokens after the first, each with its step's batch size").isPositive();
        assertThat(ofOne).as("tokens from steps of one row").isLessThan(steps);
        assertThat(alone).extracting(Streamed::finish).contains("length");
    }

    /** The value of the sample line that starts with {@code series} (0 when the series is not there yet). */
    private static double value(String page, String series) {
        return page.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .findFirst().orElse(0);
    }
}
