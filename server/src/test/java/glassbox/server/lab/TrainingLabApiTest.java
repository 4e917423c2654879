package glassbox.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.server.Http;
import glassbox.server.TestServer;

/** The training lessons' endpoints over HTTP: answers, and 400s for what a client gets wrong. */
class TrainingLabApiTest {

    @Test
    void chatTemplateRendersTypedMessages() throws Exception {
        JsonNode r = Http.json(Http.post(TestServer.url() + "/api/chat/template",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"}]}"));
        assertThat(r.get("text").asText()).isEqualTo("<|bos|><|user|>Hi<|end|><|assistant|>Hello<|end|>");
        assertThat(r.get("count").asInt()).isEqualTo(r.get("tokens").size());
        assertThat(r.get("trained_count").asInt()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void badChatTemplateBodiesAre400() throws Exception {
        String[] bodies = {"{}", "{\"messages\":[]}", "{\"messages\":\"hi\"}", "{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}",
            "{\"messages\":[{\"role\":\"user\"}]}", "{\"messages\":[{\"role\":\"user\",\"content\":5}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"add_generation_prompt\":\"yes\"}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(ChatTemplateLab.MAX_CHARS + 1) + "\"}]}",
            "{\"messages\":[" + "{\"role\":\"user\",\"content\":\"x\"},".repeat(ChatTemplateLab.MAX_MESSAGES) + "{\"role\":\"user\",\"content\":\"x\"}]}",
            "[1]", "{\"messages\":[1]}"};
        for (String body : bodies) {
            HttpResponse<String> r = Http.post(TestServer.url() + "/api/chat/template", body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(Http.json(r).get("error").get("message").asText()).as(body).isNotBlank();
        }
    }
}
