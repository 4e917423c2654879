package glassbox.server.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.server.Json;
import glassbox.server.TestServer;

/** The API as any OpenAI client sees it: the official Java SDK against the real server and the committed model. */
class OpenAiSdkTest {
    static OpenAIClient client;
    static BpeTokenizer tokenizer;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void connect() throws Exception {
        client = OpenAIOkHttpClient.builder().baseUrl(TestServer.url() + "/v1").apiKey("not-needed").maxRetries(0).build();
        tokenizer = BpeTokenizer.load(TestServer.ROOT.resolve("models/course-tiny"));
    }

    static ChatCompletionCreateParams.Builder chat(String model, String question) {
        return ChatCompletionCreateParams.builder().model(ChatModel.of(model)).addUserMessage(question);
    }

    @Test
    void listsTheRawModelAndTheTutor() {
        List<String> ids = client.models().list().data().stream().map(m -> m.id()).toList();
        assertThat(ids).containsExactlyInAnyOrder("course-tiny", "glassbox-tutor");
    }

    @Test
    void aSeededChatIsReproducibleAndItsUsageIsExact() {
        ChatCompletionCreateParams p = chat("course-tiny", "What is a neuron?").maxCompletionTokens(24).temperature(0.8).topP(0.9).seed(7).build();
        ChatCompletion a = client.chat().completions().create(p);
        ChatCompletion b = client.chat().completions().create(p);
        assertThat(a.choices().getFirst().message().content()).isEqualTo(b.choices().getFirst().message().content());
        int expectedPrompt = ChatFormat.encode(tokenizer, List.of(new ChatFormat.Message("user", "What is a neuron?")), true).length;
        assertThat(a.usage().orElseThrow().promptTokens()).isEqualTo(expectedPrompt);
        long completion = a.usage().orElseThrow().completionTokens();
        assertThat(completion).isBetween(0L, 24L);
        assertThat(a.usage().orElseThrow().totalTokens()).isEqualTo(expectedPrompt + completion);
        String finish = a.choices().getFirst().finishReason().asString();
        assertThat(finish).isIn("stop", "length");
        if (finish.equals("length")) {
            assertThat(completion).isEqualTo(24);
        }
        assertThat(a._additionalProperties().get("trace_id")).isNotNull();
    }

    @Test
    void aTextCompletionCountsThePromptWithTheTokenizer() {
        Completion c = client.completions().create(CompletionCreateParams.builder()
                .model(CompletionCreateParams.Model.of("course-tiny")).prompt("The attention mechanism").maxTokens(12).seed(3).build());
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(tokenizer.encode("The attention mechanism").length);
        assertThat(c.usage().orElseThrow().completionTokens()).isBetween(1L, 12L);
        // Same seed, same text: the completion is the model's, not an echo or a placeholder.
        Completion again = client.completions().create(CompletionCreateParams.builder()
                .model(CompletionCreateParams.Model.of("course-tiny")).prompt("The attention mechanism").maxTokens(12).seed(3).build());
        assertThat(c.choices().getFirst().text()).isNotEmpty().isEqualTo(again.choices().getFirst().text());
    }

    @Test
    void streamingGivesTheSameTextAsAPlainCallThenUsage() {
        ChatCompletionCreateParams p = chat("course-tiny", "Explain attention.").maxCompletionTokens(30).temperature(1.0).seed(11)
                .putAdditionalBodyProperty("logit_bias", JsonValue.from(java.util.Map.of(
                        String.valueOf(tokenizer.id(glassbox.model.tokenizer.SpecialToken.END)), -100)))
                .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        String plain = client.chat().completions().create(p).choices().getFirst().message().content().orElse("");
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            s.stream().forEach(chunks::add);
        }
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isPresent();
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (ChatCompletionChunk c : chunks) {
            for (var choice : c.choices()) {
                choice.delta().content().ifPresent(text::append);
                if (choice.finishReason().isPresent()) {
                    finish = choice.finishReason().get().asString();
                }
            }
        }
        assertThat(text.toString()).isEqualTo(plain);
        assertThat(finish).isEqualTo("length");
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(30);
    }

    @Test
    void logprobsHaveTheOpenAiShape() {
        ChatCompletion c = client.chat().completions().create(chat("course-tiny", "Tokens?").maxCompletionTokens(8).seed(5)
                .logprobs(true).topLogprobs(5).build());
        List<ChatCompletionTokenLogprob> lp = c.choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
        assertThat(lp).hasSize((int) c.usage().orElseThrow().completionTokens());
        for (ChatCompletionTokenLogprob t : lp) {
            assertThat(t.logprob()).isLessThanOrEqualTo(0.0);
            assertThat(t.topLogprobs()).hasSize(5);
            for (int i = 1; i < 5; i++) {
                assertThat(t.topLogprobs().get(i).logprob()).isLessThanOrEqualTo(t.topLogprobs().get(i - 1).logprob());
            }
            assertThat(t.bytes()).isPresent();
        }
    }

    @Test
    void theTutorCitesTheLessonItRetrieved() throws Exception {
        var raw = client.chat().completions().withRawResponse().create(chat("glassbox-tutor", "What is the softmax function?")
                .maxCompletionTokens(20).seed(1).build());
        ChatCompletion c = raw.parse();
        JsonNode citations = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(c._additionalProperties().get("citations")));
        assertThat(citations.isArray()).isTrue();
        assertThat(citations.size()).isGreaterThan(0);
        assertThat(citations.get(0).get("slug").asText()).isEqualTo("03-activation-functions");
        assertThat(citations.get(0).get("anchor").asText()).isNotBlank();
        String traceId = raw.headers().values("X-Trace-Id").getFirst();
        HttpResponse<String> trace = http.send(HttpRequest.newBuilder(URI.create(TestServer.url() + "/api/traces/" + traceId)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(trace.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(trace.body()).get("citations").get(0).get("slug").asText()).isEqualTo("03-activation-functions");
    }

    @Test
    void theTutorSaysSoWhenTheCourseHasNoAnswer() throws Exception {
        ChatCompletion c = client.chat().completions().create(chat("glassbox-tutor", "Who won the football world cup?").build());
        String expected = java.nio.file.Files.readString(TestServer.ROOT.resolve("prompts/tutor-no-context.txt")).strip();
        assertThat(c.choices().getFirst().message().content()).hasValue(expected);
        JsonNode citations = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(c._additionalProperties().get("citations")));
        assertThat(citations.size()).isZero();
    }

    @Test
    void clientMistakesAreTypedErrors() throws Exception {
        assertThatThrownBy(() -> client.chat().completions().create(chat("gpt-17", "hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).hasValue("model_not_found"));
        assertThatThrownBy(() -> client.chat().completions().create(chat("course-tiny", "hi").logprobs(true).topLogprobs(25).build()))
                .isInstanceOf(BadRequestException.class);
        int context = TestServer.contextLength();
        long tooMany = context + 88L;
        assertThatThrownBy(() -> client.chat().completions().create(chat("course-tiny", "hi").maxCompletionTokens(tooMany).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).hasValue("context_length_exceeded");
                    assertThat(e.getMessage()).contains(Integer.toString(context)).contains(Long.toString(tooMany));
                });
    }

    @Test
    void aFollowUpReusesTheConversationsKvCache() throws Exception {
        String first = "{\"model\":\"course-tiny\",\"user\":\"kv-test\",\"max_tokens\":8,\"temperature\":0,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"What is a tensor?\"}]}";
        JsonNode a = glassbox.server.Http.json(glassbox.server.Http.post(TestServer.url() + "/v1/chat/completions", first));
        String answer = a.get("choices").get(0).get("message").get("content").asText();
        int firstPrompt = a.get("usage").get("prompt_tokens").asInt();
        String second = "{\"model\":\"course-tiny\",\"user\":\"kv-test\",\"max_tokens\":4,\"temperature\":0,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"What is a tensor?\"},"
                + "{\"role\":\"assistant\",\"content\":" + Json.MAPPER.writeValueAsString(answer) + "},"
                + "{\"role\":\"user\",\"content\":\"And a matrix?\"}]}";
        JsonNode b = glassbox.server.Http.json(glassbox.server.Http.post(TestServer.url() + "/v1/chat/completions", second));
        int cached = b.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt();
        // everything of the first turn that reached the cache is reused; only the new turn is prefilled
        assertThat(cached).isGreaterThanOrEqualTo(firstPrompt);
        assertThat(cached).isLessThan(b.get("usage").get("prompt_tokens").asInt());
    }

    @Test
    void greedyStreamedEqualsGreedyPlainAndAStopStringCutsTheText() {
        ChatCompletionCreateParams.Builder b = chat("course-tiny", "What does attention compute?").maxCompletionTokens(40).temperature(0.0)
                .putAdditionalBodyProperty("logit_bias", JsonValue.from(java.util.Map.of(
                        String.valueOf(tokenizer.id(glassbox.model.tokenizer.SpecialToken.END)), -100)));
        String plain = client.chat().completions().create(b.build()).choices().getFirst().message().content().orElse("");
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(b.build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append)));
        }
        assertThat(streamed.toString()).isEqualTo(plain);
        assertThat(plain.length()).isGreaterThan(12);
        String stop = plain.substring(plain.length() / 2, plain.length() / 2 + 4);
        ChatCompletion cut = client.chat().completions().create(b.stop(stop).build());
        assertThat(cut.choices().getFirst().message().content()).hasValue(plain.substring(0, plain.indexOf(stop)));
        assertThat(cut.choices().getFirst().finishReason().asString()).isEqualTo("stop");
    }
}
