package glassbox.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.server.Http;
import glassbox.server.TestServer;

/** {@code response_format}, {@code tools}, {@code tool_choice} and tool messages: wrong shapes are 400s naming the field. */
class ToolRequestTest {
    static final String CHAT = "/v1/chat/completions";
    static final String USER = "\"messages\":[{\"role\":\"user\",\"content\":\"What is attention?\"}]";
    static final String TOOL = "{\"type\":\"function\",\"function\":{\"name\":\"search_course\",\"description\":\"Finds passages.\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}},\"required\":[\"query\"]}}}";

    static String body(String extra) {
        return "{\"model\":\"course-tiny\",\"max_tokens\":2,\"seed\":1," + USER + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"response_format\":\"json\"|response_format",
            "\"response_format\":{}|response_format.type",
            "\"response_format\":{\"type\":\"xml\"}|response_format.type",
            "\"response_format\":{\"type\":\"json_schema\"}|response_format.json_schema",
            "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{}}}|response_format.json_schema.name",
            "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a b\",\"schema\":{}}}|response_format.json_schema.name",
            "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a\",\"schema\":[]}}|response_format.json_schema.schema",
            "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a\",\"strict\":\"yes\"}}|strict",
            "\"tools\":{}|tools",
            "\"tools\":[1]|tools[0]",
            "\"tools\":[{\"type\":\"retrieval\"}]|tools[0].type",
            "\"tools\":[{\"type\":\"function\"}]|tools[0].function",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"no spaces\"}}]|tools[0].function.name",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":\"x\"}}]|tools[0].function.parameters",
            "\"tools\":[" + "{\"type\":\"function\",\"function\":{\"name\":\"f\"}},{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]|tools[1].function.name",
            "\"tool_choice\":\"required\"|tool_choice",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"array\"}}}]|tools[0].function.parameters",
            "\"tool_choice\":\"always\"|tool_choice",
            "\"tool_choice\":3|tool_choice",
            "\"tools\":[" + TOOL + "],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"other\"}}|tool_choice",
            "\"tools\":[" + TOOL + "],\"tool_choice\":{\"type\":\"function\"}|tool_choice.function.name",
            "\"tools\":[" + TOOL + "],\"tool_choice\":{\"type\":\"x\",\"function\":{\"name\":\"search_course\"}}|tool_choice.type",
            "\"tools\":[" + TOOL + "],\"parallel_tool_calls\":\"yes\"|parallel_tool_calls",
    })
    void wrongShapesAre400sNamingTheField(String extra, String param) throws Exception {
        ErrorsTest.assertError(Http.post(TestServer.url() + CHAT, body(extra)), 400, param);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"role\":\"tool\",\"content\":\"x\"}|messages[1].tool_call_id",
            "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":{}}|messages[1].tool_calls",
            "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\"}]}|messages[1].tool_calls[0].function",
            "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"[1]\"}}]}"
                    + "|messages[1].tool_calls[0].function.arguments",
            "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":{}}}]}"
                    + "|messages[1].tool_calls[0].function.arguments",
            "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"arguments\":\"{}\"}}]}"
                    + "|messages[1].tool_calls[0].function.name",
    })
    void wrongToolMessagesAre400s(String message, String param) throws Exception {
        String body = "{\"model\":\"course-tiny\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}," + message + "]}";
        ErrorsTest.assertError(Http.post(TestServer.url() + CHAT, body), 400, param);
    }

    @Test
    void aToolTurnIsAcceptedAndRenderedIntoThePrompt() throws Exception {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"What is attention?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"search_course\",\"arguments\":\"{\\\"query\\\": \\\"attention\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"Attention looks back.\"}]";
        String plain = "{\"model\":\"course-tiny\",\"max_tokens\":2,\"seed\":1," + messages + "}";
        String withTools = "{\"model\":\"course-tiny\",\"max_tokens\":2,\"seed\":1,\"tools\":[" + TOOL + "],\"tool_choice\":\"none\","
                + "\"parallel_tool_calls\":false," + messages + "}";
        JsonNode a = Http.json(Http.post(TestServer.url() + CHAT, plain));
        JsonNode b = Http.json(Http.post(TestServer.url() + CHAT, withTools));
        int promptA = a.at("/usage/prompt_tokens").asInt();
        // The call and the result are in the prompt: more tokens than the question alone.
        JsonNode q = Http.json(Http.post(TestServer.url() + CHAT, body("")));
        assertThat(promptA).as(a.toString()).isGreaterThan(q.at("/usage/prompt_tokens").asInt() + 10);
        // tool_choice none: the tools are not described to the model, so the prompt is the same.
        assertThat(b.at("/usage/prompt_tokens").asInt()).as(b.toString()).isEqualTo(promptA);
        JsonNode auto = Http.json(Http.post(TestServer.url() + CHAT, withTools.replace("\"tool_choice\":\"none\",", "")));
        assertThat(auto.at("/usage/prompt_tokens").asInt()).isGreaterThan(promptA);
    }

    @Test
    void aSchemaKeywordDecodingCannotEnforceIsA400NamingIt() throws Exception {
        String format = "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a\",\"schema\":"
                + "{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\",\"pattern\":\"^[A-Z]+$\"}}}}}";
        var r = Http.post(TestServer.url() + CHAT, body(format));
        ErrorsTest.assertError(r, 400, "response_format");
        assertThat(Http.json(r).at("/error/message").asText()).contains("'pattern'");
        String tools = "\"tools\":[" + TOOL + ",{\"type\":\"function\",\"function\":{\"name\":\"g\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"number\",\"multipleOf\":2}}}}}]";
        // Refused whatever tool_choice says: a schema is never half-applied.
        for (String choice : new String[] {"", ",\"tool_choice\":\"none\"", ",\"tool_choice\":\"required\""}) {
            var t = Http.post(TestServer.url() + CHAT, body(tools + choice));
            ErrorsTest.assertError(t, 400, "tools[1].function.parameters");
            assertThat(Http.json(t).at("/error/message").asText()).contains("'multipleOf'");
        }
    }
}
