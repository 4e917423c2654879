package glassbox.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.server.Http;
import glassbox.server.Json;
import glassbox.server.TestServer;

/** response_format and tool calls over raw HTTP: the shapes OpenAI returns, plain and streamed, on both models. */
class StructuredOutputTest {
    static final String CHAT = "/v1/chat/completions";
    static final String TOOL = "{\"type\":\"function\",\"function\":{\"name\":\"search_course\",\"description\":\"Finds passages.\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\",\"maxLength\":24}},\"required\":[\"query\"],"
            + "\"additionalProperties\":false}}}";
    static final String LESSON = "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\",\"maxLength\":30},"
            + "\"number\":{\"type\":\"integer\"},\"hard\":{\"type\":\"boolean\"}},\"required\":[\"title\",\"number\",\"hard\"],\"additionalProperties\":false}";

    static JsonNode chat(String model, String extra) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"seed\":3,\"temperature\":1.0,\"max_tokens\":80,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"What is attention?\"}]," + extra + "}";
        var r = Http.post(TestServer.url() + CHAT, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r);
    }

    @Test
    void jsonSchemaAnswersParseAndFitTheSchemaOnBothModels() throws Exception {
        for (String model : List.of("course-tiny", OpenAiApi.TUTOR)) {
            JsonNode r = chat(model, "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"lesson\",\"strict\":true,\"schema\":"
                    + LESSON + "}}");
            System.out.println(r);
            JsonNode choice = r.at("/choices/0");
            assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
            JsonNode value = Json.MAPPER.readTree(choice.at("/message/content").asText());
            assertThat(value.get("title").isTextual()).isTrue();
            assertThat(value.get("number").isIntegralNumber()).isTrue();
            assertThat(value.get("hard").isBoolean()).isTrue();
        }
    }

    @Test
    void aRequiredToolCallComesBackAsToolCalls() throws Exception {
        for (String model : List.of("course-tiny", OpenAiApi.TUTOR)) {
            JsonNode r = chat(model, "\"tools\":[" + TOOL + "],\"tool_choice\":\"required\"");
            System.out.println(r);
            JsonNode choice = r.at("/choices/0");
            assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
            assertThat(choice.at("/message/content").isNull()).isTrue();
            JsonNode call = choice.at("/message/tool_calls/0");
            assertThat(call.get("id").asText()).startsWith("call_");
            assertThat(call.get("type").asText()).isEqualTo("function");
            assertThat(call.at("/function/name").asText()).isEqualTo("search_course");
            JsonNode args = Json.MAPPER.readTree(call.at("/function/arguments").asText());
            assertThat(args.get("query").isTextual()).isTrue();
            assertThat(args.size()).isEqualTo(1);
        }
    }

    @Test
    void aStreamedCallAccumulatesToTheSameCall() throws Exception {
        String extra = "\"tools\":[" + TOOL + "],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"search_course\"}}";
        JsonNode plain = chat("course-tiny", extra);
        String body = "{\"model\":\"course-tiny\",\"seed\":3,\"temperature\":1.0,\"max_tokens\":80,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"What is attention?\"}]," + extra + "}";
        String sse = Http.post(TestServer.url() + CHAT, body).body();
        System.out.println(sse);
        StringBuilder args = new StringBuilder();
        List<String> names = new ArrayList<>();
        String finish = null;
        for (String line : sse.split("\n")) {
            if (!line.startsWith("data: {")) {
                continue;
            }
            JsonNode c = Json.MAPPER.readTree(line.substring(6)).at("/choices/0");
            for (JsonNode tc : c.at("/delta/tool_calls")) {
                assertThat(tc.get("index").asInt()).isZero();
                if (tc.has("id")) {
                    names.add(tc.at("/function/name").asText());
                }
                args.append(tc.at("/function/arguments").asText());
            }
            if (c.hasNonNull("finish_reason")) {
                finish = c.get("finish_reason").asText();
            }
        }
        assertThat(names).containsExactly("search_course");
        assertThat(finish).isEqualTo("tool_calls");
        assertThat(args.toString()).isEqualTo(plain.at("/choices/0/message/tool_calls/0/function/arguments").asText());
    }

    @Test
    void tooFewTokensToCloseTheJsonEndWithLength() throws Exception {
        JsonNode r = chat("course-tiny", "\"max_completion_tokens\":3,\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
                + "{\"name\":\"lesson\",\"schema\":" + LESSON + "}}");
        assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(r.at("/choices/0/message/content").asText()).startsWith("{\"");
        JsonNode call = chat("course-tiny", "\"max_completion_tokens\":4,\"tools\":[" + TOOL + "],\"tool_choice\":\"required\"");
        assertThat(call.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(call.at("/choices/0/message/tool_calls").isArray()).as(call.toString()).isTrue();
        assertThat(call.at("/choices/0/message/content").isNull()).isTrue();
    }

    @Test
    void theTutorLeavesRoomForTheToolsLine() throws Exception {
        String description = "Searches every lesson of the course for passages about the query and returns them numbered. ".repeat(1);
        StringBuilder tools = new StringBuilder();
        for (String name : List.of("search_course", "open_lesson", "list_lessons")) {
            tools.append(tools.isEmpty() ? "" : ",").append("{\"type\":\"function\",\"function\":{\"name\":\"").append(name)
                    .append("\",\"description\":\"").append(description).append("\"}}");
        }
        // max_tokens at the tutor's default: the passages shrink to fit the tools line, rather than the request failing.
        JsonNode r = chat(OpenAiApi.TUTOR, "\"max_completion_tokens\":160,\"tools\":[" + tools + "],\"tool_choice\":\"auto\"");
        int contextLength = TestServer.contextLength();
        assertThat(r.at("/usage/prompt_tokens").asInt() + 160).isLessThanOrEqualTo(contextLength);
        assertThat(r.get("citations")).isNotEmpty();
    }
}
