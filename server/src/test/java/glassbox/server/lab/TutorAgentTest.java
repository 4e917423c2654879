package glassbox.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.text.Sentences;
import glassbox.server.Http;
import glassbox.server.Json;
import glassbox.server.TestServer;

/** Lesson 22's agent loop over HTTP: the model's constrained call, the search it asked for, the grounded answer, both traces. */
class TutorAgentTest {

    static JsonNode agent(String question) throws Exception {
        HttpResponse<String> r = Http.post(TestServer.url() + "/api/tutor/agent", Json.MAPPER.writeValueAsString(java.util.Map.of("question", question)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r);
    }

    @Test
    void theModelCallsTheSearchWithWordsOfTheQuestionAndAnswersFromWhatCameBack() throws Exception {
        // Which words the model picks is its own choice, and some picks find nothing ("do"): the rest of
        // the loop is checked on the first of these questions whose search came back with passages.
        JsonNode r = null;
        for (String q : List.of("How does top-p sampling choose the next token?", "What is top-p sampling?", "Explain backpropagation",
                "what is a token")) {
            JsonNode tried = agent(q);
            JsonNode call = tried.get("call");
            assertThat(call.get("text").asText()).startsWith("<|tool_call|>{\"name\":\"search_course\",\"arguments\":{\"query\":\"");
            String query = call.get("arguments").get("query").asText();
            assertThat(TutorAgent.querySpans(q)).contains(query);
            assertThat(q).contains(query);
            assertThat(tried.get("observation").get("query").asText()).isEqualTo(query);
            if (r == null && tried.get("observation").get("found").asBoolean()) {
                r = tried;
            }
        }
        assertThat(r).as("no search of the model's came back with passages").isNotNull();
        JsonNode call = r.get("call");
        String query = call.get("arguments").get("query").asText();
        JsonNode observation = r.get("observation");
        // The observation is what the tutor retrieves for the query itself.
        List<String> expected = TestServer.services().tutor()
                .prepare(List.of(new glassbox.model.tokenizer.ChatFormat.Message("user", query)), TestServer.contextLength() - 200).citations().stream()
                .map(c -> c.anchor()).toList();
        assertThat(observation.get("passages").findValuesAsText("anchor")).containsExactlyElementsOf(expected);

        // The answer copies whole sentences of the passages the tool returned.
        JsonNode answer = r.get("answer");
        assertThat(answer.get("model_asked").asBoolean()).isTrue();
        String text = answer.get("text").asText().replaceAll("\\s*\\[\\d+]", "").strip();
        assertThat(text).isNotEmpty();
        String passages = String.join(" ", observation.get("passages").findValuesAsText("text")).replaceAll("\\s+", " ");
        for (Sentences.Span s : Sentences.split(text)) {
            assertThat(passages).as("answer sentence copied from the observation").contains(s.of(text).replaceAll("\\s+", " "));
        }

        // Both generations are traced under the constraint that decided them.
        JsonNode callTrace = Http.json(Http.get(TestServer.url() + "/api/traces/" + call.get("trace_id").asText()));
        assertThat(callTrace.get("constraint").asText()).isEqualTo("tool_call");
        assertThat(callTrace.get("choices").get(0).get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(call.get("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode answerTrace = Http.json(Http.get(TestServer.url() + "/api/traces/" + answer.get("trace_id").asText()));
        assertThat(answerTrace.get("constraint").asText()).isEqualTo("grounding");
        assertThat(answerTrace.get("choices").get(0).get("text").asText()).isEqualTo(answer.get("text").asText());
    }

    @Test
    void querySpansAreRunsOfConsecutiveWordsWithoutOuterPunctuation() {
        List<String> spans = TutorAgent.querySpans("What is top-p sampling?");
        assertThat(spans).containsExactlyInAnyOrder("top-p", "top-p sampling", "sampling");
        assertThat(TutorAgent.querySpans("How does the KV cache work")).contains("KV cache", "KV", "cache")
                .as("no span begins or ends with the question's framing").doesNotContain("How", "does the KV", "KV cache work", "the KV cache");
        assertThat(TutorAgent.querySpans("one two three four five six seven eight nine ten"))
                .contains("one two three four five six seven eight").doesNotContain("one two three four five six seven eight nine");
        assertThat(TutorAgent.querySpans("what is it?")).as("nothing left: the question itself").containsExactly("what is it?");
    }

    @Test
    void badQuestionsAreRefusedWithA400() throws Exception {
        for (String body : List.of("{}", "{\"question\":\"  \"}", "{\"question\":3}", "{\"question\":\"" + "a".repeat(301) + "\"}")) {
            HttpResponse<String> r = Http.post(TestServer.url() + "/api/tutor/agent", body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(Http.json(r).get("error").get("param").asText()).isEqualTo("question");
        }
    }
}
