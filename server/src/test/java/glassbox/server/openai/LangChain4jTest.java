package glassbox.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;

import glassbox.server.TestServer;

/**
 * LangChain4j's {@code langchain4j-open-ai} against the real server, as a Java developer would use
 * it: an {@code AiServices} method returning a record (LangChain4j sends a JSON schema for it and
 * parses the answer), and an {@code @Tool} method the model calls, whose result feeds the next turn.
 */
class LangChain4jTest {

    enum Difficulty { EASY, MEDIUM, HARD }

    /**
     * A record as a developer would write it. Its schema puts no maxLength on the string, so the
     * constraint closes it within its default cap (200 characters), and "integer" within 9 digits,
     * so the number fits an int: the JSON always closes and parses.
     */
    record Lesson(String title, Difficulty difficulty, boolean hasLab, int number) {
    }

    interface Planner {
        Lesson suggest(String question);
    }

    interface Assistant {
        Result<String> answer(String question);
    }

    /** The tool: records each call so the test can see it ran, and returns what the model reads next. */
    static final class Course {
        final List<String> queries = new ArrayList<>();

        @Tool("Searches the course for a passage about the query")
        String searchCourse(@P(name = "query", value = "what to look for") String query) {
            queries.add(query);
            return "Attention lets every token look back at the tokens before it.";
        }
    }

    static OpenAiChatModel.OpenAiChatModelBuilder model(String name) throws Exception {
        return OpenAiChatModel.builder().baseUrl(TestServer.url() + "/v1").apiKey("not-needed").modelName(name).temperature(1.0).seed(11)
                .maxCompletionTokens(120).maxRetries(0);
    }

    @Test
    void anAiServiceReturnsARecordParsedFromSchemaConstrainedJson() throws Exception {
        for (String name : List.of("course-tiny", OpenAiApi.TUTOR)) {
            List<ResponseFormat> sent = new ArrayList<>();
            OpenAiChatModel model = model(name).maxCompletionTokens(300).supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA).strictJsonSchema(true)
                    .listeners(new ChatModelListener() {
                        @Override
                        public void onRequest(ChatModelRequestContext context) {
                            sent.add(context.chatRequest().responseFormat());
                        }
                    }).build();
            Lesson lesson = AiServices.create(Planner.class, model).suggest("Which lesson should I read about attention?");
            // LangChain4j sent a JSON schema (not just a request in words), and the answer parsed into the record.
            assertThat(sent).hasSize(1);
            assertThat(sent.getFirst().type()).isEqualTo(ResponseFormatType.JSON);
            assertThat(sent.getFirst().jsonSchema()).isNotNull();
            assertThat(lesson).as(name).isNotNull();
            assertThat(lesson.difficulty()).isNotNull();
            assertThat(lesson.title()).isNotNull().hasSizeLessThanOrEqualTo(200);
        }
    }

    @Test
    void aToolIsCalledAndItsResultUsedInTheNextTurn() throws Exception {
        // tool_choice "required" makes even a 6 M-parameter model call; once a tool result is in, the model may answer in text.
        OpenAiChatModel model = model("course-tiny").defaultRequestParameters(ChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED).build())
                .build();
        List<ChatRequest> requests = new ArrayList<>();
        Course course = new Course();
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(course).maxSequentialToolsInvocations(3)
                .chatRequestTransformer(request -> {
                    ChatRequest r = afterToolResultAuto(request);
                    requests.add(r);
                    return r;
                }).build();
        Result<String> result = assistant.answer("What is attention?");
        assertThat(course.queries).hasSize(1);
        assertThat(result.toolExecutions()).hasSize(1);
        assertThat(result.toolExecutions().getFirst().result()).contains("look back");
        // The second request carried the tool's result to the model, and its answer is text.
        assertThat(requests).hasSize(2);
        List<ChatMessage> second = requests.get(1).messages();
        assertThat(second.getLast()).isInstanceOf(ToolExecutionResultMessage.class);
        assertThat(((ToolExecutionResultMessage) second.getLast()).text()).contains("look back");
        assertThat(result.content()).isNotBlank();
        assertThat(result.finishReason().name()).isIn("STOP", "LENGTH");
    }

    /** Forced calls only while no tool result has come back; then {@code auto}, so the loop can end with an answer. */
    static ChatRequest afterToolResultAuto(ChatRequest request) {
        if (!(request.messages().getLast() instanceof ToolExecutionResultMessage)) {
            return request;
        }
        return request.toBuilder().parameters(request.parameters().overrideWith(ChatRequestParameters.builder().toolChoice(ToolChoice.AUTO).build()))
                .build();
    }
}
