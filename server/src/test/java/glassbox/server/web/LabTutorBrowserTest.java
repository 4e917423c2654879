package glassbox.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.rag.CourseIndex;
import glassbox.rag.SearchHit;
import glassbox.server.Http;
import glassbox.server.Json;
import glassbox.server.TestServer;

/**
 * The widgets of lessons 21–25 that run the tutor's real parts: the search playground (21),
 * grounding off and on (25), the agent trace (22) and prompt settings side by side (23). Their numbers
 * are checked against the index and the API called directly by the test.
 */
class LabTutorBrowserTest {

    @Test
    void searchPlaygroundShowsTheIndexsScoresAndFieldParts() throws Exception {
        LabPage lab = LabPage.open("21-rag");
        assertThat(lab.value("query")).isEqualTo("what is top-p sampling");
        String q = "how does multi-head attention split the heads";
        lab.set("select", "3").set("input[type=text]", q);
        lab.waitFor(() -> lab.value("query").equals(q));
        List<SearchHit> expected = TestServer.services().index().search(q, 3, true);
        assertThat(lab.number("count")).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            SearchHit h = expected.get(i);
            int n = i + 1;
            assertThat(lab.value("hit-" + n)).isEqualTo(h.title() + " — " + h.section());
            assertThat(lab.number("score-" + n)).isCloseTo(h.score(), within(1e-4));
            assertThat(lab.number("words-" + n)).isCloseTo(h.wordScore(), within(1e-3));
            assertThat(lab.number("similarity-" + n)).isCloseTo(h.similarity(), within(1e-3));
            double sum = 0;
            for (String f : CourseIndex.FIELD_ORDER) {
                double shown = lab.number("field-" + n + "-" + f);
                assertThat(shown).as(f).isCloseTo(h.fields().get(f), within(1e-3));
                sum += shown;
            }
            assertThat(sum).isCloseTo(h.wordScore(), within(1e-2));
        }
        // the first hit has the words in its title and its text
        assertThat(lab.number("field-1-text")).isGreaterThan(0);
        lab.finish();
    }

    /** The tutor's answer called directly, as the widget calls it (non-streamed, same seed and temperature). */
    static JsonNode tutor(String question, String grounding, int maxTokens) throws Exception {
        return chat("glassbox-tutor", "[{\"role\":\"user\",\"content\":" + Json.MAPPER.writeValueAsString(question) + "}]",
                grounding, maxTokens, 0, 7);
    }

    static JsonNode chat(String model, String messages, String grounding, int maxTokens, double temperature, long seed) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"messages\":" + messages + ",\"max_tokens\":" + maxTokens + ",\"temperature\":" + temperature
                + ",\"seed\":" + seed + (grounding == null ? "" : ",\"grounding\":\"" + grounding + "\"") + "}";
        var r = Http.post(TestServer.url() + "/v1/chat/completions", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r);
    }

    static String citations(JsonNode response) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode c : response.path("citations")) {
            out.add("[" + c.get("number").asInt() + "] " + c.get("title").asText() + " — " + c.get("section").asText());
        }
        return out.isEmpty() ? "none" : String.join("; ", out);
    }

    @Test
    void groundingOffAndOnAndARefusalMatchTheApi() throws Exception {
        LabPage lab = LabPage.open("25-what-llms-cant-do");
        // the first run: two answers, then the off-topic question (each wait is up to 30 s)
        lab.value("grounded-answer");
        lab.value("free-answer");
        lab.value("refusal-answer");
        String q = "What is a token?";
        lab.set("input[type=text]", 0, q).click("button");
        lab.waitFor(() -> lab.value("question").equals(q));
        for (String mode : List.of("passages", "off")) {
            String name = mode.equals("passages") ? "grounded" : "free";
            JsonNode direct = tutor(q, mode, 60);
            assertThat(lab.value(name + "-answer")).as(name).isEqualTo(direct.get("choices").get(0).get("message").get("content").asText().strip());
            assertThat(lab.number(name + "-tokens")).isEqualTo(direct.get("usage").get("completion_tokens").asInt());
            assertThat(lab.value(name + "-citations")).isEqualTo(citations(direct));
        }
        assertThat(lab.value("grounded-citations")).isNotEqualTo("none");
        // the off-topic question: no hit passes the gate, the fixed sentence, no citation
        String offTopic = "Who won the football world cup in 2022?";
        JsonNode refusal = tutor(offTopic, null, 60);
        assertThat(lab.value("refusal-answer")).isEqualTo(refusal.get("choices").get(0).get("message").get("content").asText().strip());
        assertThat(lab.value("refusal-citations")).isEqualTo("none").isEqualTo(citations(refusal));
        assertThat(lab.value("gate")).isEqualTo("the course does not answer it");
        double best = TestServer.services().index().search(offTopic, 8).stream()
                .filter(h -> !h.section().equals("Try it in the lab")).mapToDouble(SearchHit::similarity).max().orElseThrow();
        assertThat(lab.number("best-similarity")).isCloseTo(best, within(1e-3)).isLessThan(0.40);
        lab.finish();
    }

    @Test
    void theModelWritesTheToolCallAndAnswersFromTheObservation() throws Exception {
        LabPage lab = LabPage.open("22-agents-and-tool-use");
        lab.value("answer");
        String q = "How does top-p sampling choose the next token?";
        lab.set("input[type=text]", q).click(".lab-agent button");
        String call = lab.value("agent-call");
        String answer = lab.value("agent-answer");
        // the same request made here: greedy decoding, so the same call, query and answer
        JsonNode direct = Http.json(Http.post(TestServer.url() + "/api/tutor/agent", Json.MAPPER.writeValueAsString(java.util.Map.of("question", q))));
        assertThat(call).isEqualTo(direct.get("call").get("text").asText());
        assertThat(lab.value("agent-query")).isEqualTo(Json.MAPPER.writeValueAsString(direct.get("observation").get("query").asText()));
        assertThat(answer).isEqualTo(direct.get("answer").get("text").asText().strip());
        assertThat(q).contains(direct.get("observation").get("query").asText());
        lab.finish();
    }

    /** Lab 22 with its default trace done, then the trace of {@code q} started: the page once its question reads {@code q}. */
    private static LabPage agentTraceOf(String q) throws Exception {
        LabPage lab = LabPage.open("22-agents-and-tool-use");
        lab.value("prompt-tokens");
        lab.value("answer");
        lab.set("input[type=text]", q).click("button");
        lab.waitFor(() -> lab.value("question").equals(q));
        return lab;
    }

    /** The gate's first two rules (close in meaning, or strong in words and not far in meaning), worked out here from a hit's numbers. */
    private static boolean passesOnMeaningOrWords(SearchHit h) {
        return h.similarity() >= 0.40f || (h.wordScore() >= 6.0f && h.similarity() >= 0.20f);
    }

    @Test
    void agentTraceShowsTheSearchTheGateThePromptAndTheStreamedAnswer() throws Exception {
        String q = "What does the softmax do?";
        LabPage lab = agentTraceOf(q);
        String answer = lab.value("answer");
        // the observation: the index's own 8 hits, each with the gate's verdict worked out here from its numbers
        List<SearchHit> hits = TestServer.services().index().search(q, 8);
        boolean anyKept = false;
        for (int i = 0; i < hits.size(); i++) {
            SearchHit h = hits.get(i);
            assertThat(lab.value("hit-" + (i + 1))).isEqualTo(h.title() + " — " + h.section());
            String gate = lab.value("hit-" + (i + 1) + "-gate");
            boolean lab_ = h.section().equals("Try it in the lab");
            boolean passes = !lab_ && passesOnMeaningOrWords(h);
            if (lab_) {
                assertThat(gate).startsWith("lab steps");
            } else if (!passes) {
                assertThat(gate).isEqualTo("below the gate");
            } else {
                assertThat(gate).isIn("kept", "passes, not kept");
                anyKept |= gate.equals("kept");
            }
        }
        assertThat(anyKept).isTrue();
        // the answer and its citations: the same request, not streamed, made here
        JsonNode direct = tutor(q, null, 80);
        assertThat(answer).isEqualTo(direct.get("choices").get(0).get("message").get("content").asText().strip());
        assertThat(lab.value("answer-citations")).isEqualTo(citations(direct));
        assertThat(lab.value("used")).isEqualTo(citations(direct));
        // the prompt size the trace reports is what the API counted
        int promptTokens = direct.get("usage").get("prompt_tokens").asInt();
        assertThat(lab.number("prompt-tokens")).isEqualTo(promptTokens);
        assertThat(lab.number("usage-prompt-tokens")).isEqualTo(promptTokens);
        assertThat(lab.number("prompt-system") + lab.number("prompt-context") + lab.number("prompt-user") + 2).isEqualTo(promptTokens);
        assertThat(lab.number("room-left")).isEqualTo(TestServer.contextLength() - promptTokens);
        assertThat(lab.number("completion-tokens")).isEqualTo(direct.get("usage").get("completion_tokens").asInt());
        lab.finish();
    }

    @Test
    void aCourseTermAloneOpensTheGateInTheTrace() throws Exception {
        String q = "what is rlaif";
        LabPage lab = agentTraceOf(q);
        lab.value("answer");
        assertThat(lab.value("course-terms")).isEqualTo("rlaif");
        // no hit is close in meaning or strong in words, yet the section that has the term is kept and cited
        for (SearchHit h : TestServer.services().index().search(q, 8)) {
            assertThat(passesOnMeaningOrWords(h)).as(h.section()).isFalse();
        }
        JsonNode direct = tutor(q, null, 80);
        assertThat(lab.value("used")).isEqualTo(citations(direct)).isNotEqualTo("nothing");
        assertThat(direct.get("choices").get(0).get("message").get("content").asText()).containsIgnoringCase("rlaif");
        lab.finish();
    }

    /** The widget's two solved examples (web/js/labs/23-prompt-engineering.js), written out again here. */
    static final String[][] EXAMPLES = {
        {"What is a neuron?", "A neuron computes a weighted sum of its inputs plus a bias and passes it through an activation function."},
        {"What is a token?", "A token is a piece of text, such as a word or part of a word, that the model reads as one unit."},
    };

    static String messages(String system, int shots, String question) throws Exception {
        List<java.util.Map<String, String>> m = new java.util.ArrayList<>();
        if (!system.isBlank()) {
            m.add(java.util.Map.of("role", "system", "content", system));
        }
        for (int i = 0; i < shots; i++) {
            m.add(java.util.Map.of("role", "user", "content", EXAMPLES[i][0]));
            m.add(java.util.Map.of("role", "assistant", "content", EXAMPLES[i][1]));
        }
        m.add(java.util.Map.of("role", "user", "content", question));
        return Json.MAPPER.writeValueAsString(m);
    }

    @Test
    void twoPromptSettingsSideBySideMatchTheApi() throws Exception {
        LabPage lab = LabPage.open("23-prompt-engineering");
        lab.value("a-answer");
        lab.value("b-answer");
        String q = "What is attention?";
        String systemB = "You are a careful teacher. Answer in one short sentence.";
        lab.set("input[type=text]", q).set("textarea", 1, systemB).set("select", 1, "1").set("select", 0, "0.7");
        lab.click("button");
        lab.waitFor(() -> lab.value("question").equals(q));
        String[] names = {"a", "b"};
        String[] systems = {"You are the Glassbox tutor.", systemB};
        int[] shots = {1, 2};
        for (int i = 0; i < 2; i++) {
            JsonNode direct = chat("course-tiny", messages(systems[i], shots[i], q), null, 60, 0.7, 7);
            assertThat(lab.value(names[i] + "-answer")).as(names[i]).isEqualTo(direct.get("choices").get(0).get("message").get("content").asText().strip());
            assertThat(lab.number(names[i] + "-prompt-tokens")).isEqualTo(direct.get("usage").get("prompt_tokens").asInt());
            assertThat(lab.number(names[i] + "-tokens")).isEqualTo(direct.get("usage").get("completion_tokens").asInt());
        }
        // the examples cost prompt tokens: setting B carries one more solved example than A
        assertThat(lab.number("b-prompt-tokens")).isGreaterThan(lab.number("a-prompt-tokens"));
        lab.finish();
    }
}
