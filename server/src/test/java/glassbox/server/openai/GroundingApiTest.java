package glassbox.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.text.Sentences;
import glassbox.server.Http;
import glassbox.server.TestServer;

/** The {@code grounding} extension through the API: validated, on by default for the tutor, copying exactly. */
class GroundingApiTest {
    static final String CHAT = "/v1/chat/completions";

    static String tutor(String question, String extra) {
        return "{\"model\":\"glassbox-tutor\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]" + extra + "}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"yes\"", "\"PASSAGES\"", "true", "1", "{}"})
    void anUnknownGroundingValueIs400InvalidValue(String value) throws Exception {
        HttpResponse<String> r = Http.post(TestServer.url() + CHAT, tutor("What is attention?", ",\"grounding\":" + value));
        ErrorsTest.assertError(r, 400, "grounding");
        if (value.startsWith("\"")) {
            assertThat(Http.json(r).get("error").get("code").asText()).isEqualTo("invalid_value");
        }
    }

    @Test
    void theRawModelHasNoPassagesToGroundOn() throws Exception {
        String body = "{\"model\":\"course-tiny\",\"max_tokens\":3,\"grounding\":\"passages\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = Http.post(TestServer.url() + CHAT, body);
        ErrorsTest.assertError(r, 400, "grounding");
        assertThat(Http.json(r).get("error").get("message").asText()).contains("glassbox-tutor");
        assertThat(Http.post(TestServer.url() + CHAT, body.replace("\"passages\"", "\"off\"")).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"What is top-p sampling?", "why do transformers need positional information", "explain the kv cache"})
    void aGroundedAnswerIsPassageSentencesWithTheirMarkersAndItsTraceShowsTheCuts(String question) throws Exception {
        HttpResponse<String> r = Http.post(TestServer.url() + CHAT, tutor(question, ""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode json = Http.json(r);
        String answer = json.at("/choices/0/message/content").asText();
        assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode trace = Http.json(Http.get(TestServer.url() + "/api/traces/" + json.get("trace_id").asText()));
        JsonNode passages = trace.at("/grounding/passages");
        assertThat(passages.size()).isEqualTo(json.get("citations").size()).isPositive();

        // "S1 S2 [n] S3 [m]": every run is whole sentences of the passages, the last one from passage n.
        assertThat(answer).as(answer).matches("(?s).*\\S \\[\\d]");
        var runs = java.util.regex.Pattern.compile("(.*?) \\[(\\d)]").matcher(answer);
        List<String> copied = new ArrayList<>();
        while (runs.find()) {
            String run = runs.group(1).strip();
            String cited = passages.get(Integer.parseInt(runs.group(2)) - 1).get("text").asText();
            List<Sentences.Span> spans = Sentences.split(run);
            assertThat(spans).as(run).isNotEmpty();
            assertThat(cited).as("the marker cites the passage of the sentence before it").contains(spans.getLast().of(run));
            for (Sentences.Span s : spans) {
                String sentence = s.of(run);
                assertThat(passagesContain(passages, sentence)).as("'%s' is copied from a passage", sentence).isTrue();
                copied.add(sentence);
            }
        }
        assertThat(copied).isNotEmpty().doesNotHaveDuplicates();

        // Each copied token names its source characters; the grounding cut most of the vocabulary at each step.
        for (JsonNode t : trace.at("/choices/0/tokens")) {
            assertThat(t.get("constraint_cut").asInt()).isGreaterThan(1000);
            JsonNode src = t.get("source");
            if (!src.isNull()) {
                String text = passages.get(src.get("passage").asInt() - 1).get("text").asText();
                assertThat(t.get("text").asText()).endsWith(text.substring(src.get("start").asInt(), src.get("end").asInt()));
            }
            for (JsonNode c : t.get("candidates")) {
                if (c.get("id").asInt() == t.get("id").asInt()) {
                    assertThat(c.get("allowed").asBoolean()).isTrue();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"What is top-p sampling?", "explain the kv cache"})
    void aSmallMaxTokensGivesAShorterAnswerThatEndsAfterAWholeSentence(String question) throws Exception {
        JsonNode full = Http.json(Http.post(TestServer.url() + CHAT, tutor(question, "")));
        String fullAnswer = full.at("/choices/0/message/content").asText();
        String first = Sentences.split(fullAnswer).getFirst().of(fullAnswer);
        // the tokens of the first sentence, from the trace; the budget leaves room for its marker and the end, not for more
        JsonNode tokens = Http.json(Http.get(TestServer.url() + "/api/traces/" + full.get("trace_id").asText())).at("/choices/0/tokens");
        StringBuilder text = new StringBuilder();
        int firstTokens = 0;
        while (text.length() < first.length()) {
            text.append(tokens.get(firstTokens++).get("text").asText());
        }
        int budget = firstTokens + 5;
        assertThat(full.at("/usage/completion_tokens").asInt()).as("the full answer is longer: " + fullAnswer).isGreaterThan(budget);

        HttpResponse<String> r = Http.post(TestServer.url() + CHAT, tutor(question, ",\"max_tokens\":" + budget));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode json = Http.json(r);
        String answer = json.at("/choices/0/message/content").asText();
        assertThat(json.at("/choices/0/finish_reason").asText()).as(answer).isEqualTo("stop");
        assertThat(json.at("/usage/completion_tokens").asInt()).isLessThanOrEqualTo(budget);
        assertThat(answer).as("the first sentence whole, then its marker").startsWith(first).matches("(?s).*\\S \\[\\d]");
    }

    @Test
    void groundingOffLeavesTheTutorFree() throws Exception {
        HttpResponse<String> r = Http.post(TestServer.url() + CHAT, tutor("What is top-p sampling?", ",\"grounding\":\"off\",\"max_tokens\":20"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode trace = Http.json(Http.get(TestServer.url() + "/api/traces/" + Http.json(r).get("trace_id").asText()));
        assertThat(trace.get("grounding").isNull()).isTrue();
        for (JsonNode t : trace.at("/choices/0/tokens")) {
            assertThat(t.get("constraint_cut").asInt()).isZero();
            assertThat(t.get("source").isNull()).isTrue();
        }
    }

    private static boolean passagesContain(JsonNode passages, String sentence) {
        for (JsonNode p : passages) {
            if (p.get("text").asText().contains(sentence)) {
                return true;
            }
        }
        return false;
    }
}
