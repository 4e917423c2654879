package glassbox.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.rag.SearchHit;
import glassbox.server.Http;
import glassbox.server.Json;
import glassbox.server.Services;
import glassbox.server.TestServer;
import glassbox.server.tutor.Tutor;

/** The tutor's steps before it answers: the search and its hits, the gate, the passages and the prompt's size. */
class TutorStepsTest {

    static JsonNode steps(String question, int maxTokens) throws Exception {
        Services s = TestServer.services();
        Map<String, Object> m = new TutorSteps(s.tutor(), s.engine().tokenizer(), s.engine().info().contextLength()).of(question, maxTokens);
        return Json.MAPPER.valueToTree(m);
    }

    @Test
    void aCourseQuestionIsSearchedGatedAndPacked() throws Exception {
        String q = "What does the softmax do?";
        JsonNode r = steps(q, 160);
        List<SearchHit> expected = TestServer.services().index().search(q, 8);
        JsonNode hits = r.get("search").get("hits");
        assertThat(hits).hasSize(expected.size());
        int used = 0;
        for (int i = 0; i < expected.size(); i++) {
            SearchHit h = expected.get(i);
            JsonNode got = hits.get(i);
            assertThat(got.get("anchor").asText()).isEqualTo(h.anchor());
            assertThat(got.get("similarity").floatValue()).isEqualTo(h.similarity());
            boolean lab = h.section().equals("Try it in the lab");
            assertThat(got.get("lab_steps").asBoolean()).isEqualTo(lab);
            // the gate, written out from the numbers in Tutor's documentation
            boolean passes = !lab && (h.similarity() >= 0.40f || (h.wordScore() >= 6.0f && h.similarity() >= 0.20f));
            assertThat(got.get("passes_gate").asBoolean()).as(h.anchor()).isEqualTo(passes);
            if (got.get("used").asBoolean()) {
                used++;
                assertThat(lab).isFalse();
            }
        }
        assertThat(r.get("gate").get("answered").asBoolean()).isTrue();
        assertThat(used).isBetween(1, Tutor.MAX_PASSAGES);
        assertThat(r.get("fallback").isNull()).isTrue();
        // the passages are the used hits, numbered in search order
        JsonNode passages = r.get("passages");
        assertThat(passages).hasSize(used);
        int p = 0;
        for (JsonNode h : hits) {
            if (h.get("used").asBoolean()) {
                assertThat(passages.get(p).get("number").asInt()).isEqualTo(p + 1);
                assertThat(passages.get(p++).get("anchor").asText()).isEqualTo(h.get("anchor").asText());
            }
        }
        // the best passage gets the room: a later one is packed to half the first's word budget (at most 220), so 110 words
        assertThat(passages.size()).isGreaterThan(1);
        for (int i = 1; i < passages.size(); i++) {
            assertThat(passages.get(i).get("text").asText().split("\\s+").length).as("passage %d", i + 1).isLessThanOrEqualTo(110);
        }
        // the prompt: system, context, user; the parts add up to the whole, which fits beside the answer
        JsonNode prompt = r.get("prompt");
        int sum = prompt.get("markup_tokens").asInt();
        StringBuilder roles = new StringBuilder();
        for (JsonNode m : prompt.get("messages")) {
            sum += m.get("tokens").asInt();
            roles.append(m.get("role").asText()).append(' ');
        }
        assertThat(roles.toString().strip()).isEqualTo("system context user");
        assertThat(prompt.get("tokens").asInt()).isEqualTo(sum);
        assertThat(prompt.get("tokens").asInt() + 160).isLessThanOrEqualTo(prompt.get("context_length").asInt());
        assertThat(prompt.get("room_left").asInt()).isEqualTo(prompt.get("context_length").asInt() - sum);
    }

    @Test
    void anOffTopicQuestionStopsAtTheGate() throws Exception {
        JsonNode r = steps("my printer won't connect to wifi", 160);
        assertThat(r.get("search").get("hits").size()).isPositive();
        for (JsonNode h : r.get("search").get("hits")) {
            assertThat(h.get("passes_gate").asBoolean()).isFalse();
            assertThat(h.get("used").asBoolean()).isFalse();
        }
        assertThat(r.get("gate").get("answered").asBoolean()).isFalse();
        assertThat(r.get("passages")).isEmpty();
        assertThat(r.get("prompt").isNull()).isTrue();
        assertThat(r.get("fallback").asText()).contains("could not find");
    }

    @Test
    void badBodiesAre400() throws Exception {
        String url = TestServer.url() + "/api/tutor/steps";
        for (String body : List.of("{}", "{\"question\":\"  \"}", "{\"question\":3}", "[]",
                "{\"question\":\"" + "a".repeat(2001) + "\"}", "{\"question\":\"hi\",\"max_tokens\":0}",
                "{\"question\":\"hi\",\"max_tokens\":" + TestServer.contextLength() + "}", "{\"question\":\"hi\",\"max_tokens\":\"5\"}")) {
            var res = Http.post(url, body);
            assertThat(res.statusCode()).as(body).isEqualTo(400);
            assertThat(Http.json(res).get("error").get("message").asText()).isNotBlank();
        }
        assertThat(Http.post(url, "{\"question\":\"What is a token?\",\"max_tokens\":50}").statusCode()).isEqualTo(200);
        assertThat(Http.get(TestServer.url() + "/api/search?q=x&fields=maybe").statusCode()).isEqualTo(400);
        assertThat(Http.json(Http.get(TestServer.url() + "/api/search?q=softmax&k=1&fields=true")).get("hits").get(0).get("fields").has("title")).isTrue();
    }
}
