package glassbox.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonSchemaLocalValidation;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.StructuredChatCompletion;

import glassbox.server.TestServer;

/** Structured outputs and tool calls as the official Java SDK does them: schemas and tools derived from Java classes. */
class StructuredOutputSdkTest {
    static OpenAIClient client;

    @BeforeAll
    static void connect() throws Exception {
        client = OpenAIOkHttpClient.builder().baseUrl(TestServer.url() + "/v1").apiKey("not-needed").maxRetries(0).build();
    }

    /** The answer's shape; the SDK turns it into a JSON schema (all properties required, no others). */
    public static class LessonCard {
        /** A long: the schema says only "integer", and decoding bounds a number to 15 digits, not to an int's range. */
        @JsonPropertyDescription("The lesson's number")
        public long number;
        public boolean hasLab;
        public Level level;
    }

    public enum Level { BEGINNER, INTERMEDIATE, ADVANCED }

    @JsonClassDescription("Searches the course for passages about a query")
    public static class SearchCourse {
        @JsonPropertyDescription("What to look for")
        public String query;
    }

    static ChatCompletionCreateParams.Builder ask(String model, String question) {
        return ChatCompletionCreateParams.builder().model(ChatModel.of(model)).addUserMessage(question).seed(5).temperature(1.0)
                .maxCompletionTokens(120);
    }

    @Test
    void aSchemaFromAJavaClassComesBackAsThatClass() {
        for (String model : List.of("course-tiny", OpenAiApi.TUTOR)) {
            StructuredChatCompletion<LessonCard> answer = client.chat().completions()
                    .create(ask(model, "Which lesson explains attention?").responseFormat(LessonCard.class).build());
            LessonCard card = answer.choices().getFirst().message().content().orElseThrow();
            assertThat(card.level).as(model).isNotNull();
            assertThat(answer.choices().getFirst().finishReason().asString()).isEqualTo("stop");
        }
    }

    @Test
    void aRequiredToolIsCalledAndItsResultAnswered() throws Exception {
        ChatCompletionCreateParams first = ask("course-tiny", "What is attention?").addTool(SearchCourse.class)
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build();
        ChatCompletion called = client.chat().completions().create(first);
        ChatCompletion.Choice choice = called.choices().getFirst();
        assertThat(choice.finishReason().asString()).isEqualTo("tool_calls");
        assertThat(choice.message().content()).isEmpty();
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.function().name()).isEqualTo("SearchCourse");
        SearchCourse args = call.function().arguments(SearchCourse.class);
        assertThat(args.query).isNotNull();

        // The tool's result goes back as a tool message; the model answers in text. course-tiny opens a call
        // almost whenever tools are offered (README), so the client asks for the answer now, as a loop's last turn does.
        String result = "Attention lets every token look back at the tokens before it.";
        ChatCompletionCreateParams second = ask("course-tiny", "What is attention?").addTool(SearchCourse.class)
                .toolChoice(ChatCompletionToolChoiceOption.Auto.NONE)
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content(result).build()).build();
        ChatCompletion answered = client.chat().completions().create(second);
        ChatCompletion.Choice last = answered.choices().getFirst();
        assertThat(last.message().toolCalls().orElse(List.of())).isEmpty();
        assertThat(last.message().content().orElse("")).isNotEmpty();
        // The call and the result are in the prompt: it grew by at least the result's own tokens.
        int resultTokens = TestServer.services().engine().tokenizer().encode(result).length;
        assertThat(answered.usage().orElseThrow().promptTokens()).isGreaterThan(called.usage().orElseThrow().promptTokens() + resultTokens);
    }

    @Test
    void aStreamedToolCallAccumulatesToTheSameCall() {
        ChatCompletionCreateParams params = ask("course-tiny", "What is attention?").addTool(SearchCourse.class, JsonSchemaLocalValidation.YES)
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build();
        ChatCompletion plain = client.chat().completions().create(params);
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(acc::accumulate);
        }
        ChatCompletion streamed = acc.chatCompletion();
        ChatCompletionMessageFunctionToolCall a = plain.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
        ChatCompletionMessageFunctionToolCall b = streamed.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(b.function().name()).isEqualTo(a.function().name());
        assertThat(b.function().arguments()).isEqualTo(a.function().arguments());
        assertThat(b.id()).startsWith("call_");
        assertThat(streamed.choices().getFirst().finishReason().asString()).isEqualTo("tool_calls");
        assertThat(b.function().arguments(SearchCourse.class).query).isNotNull();
    }
}
