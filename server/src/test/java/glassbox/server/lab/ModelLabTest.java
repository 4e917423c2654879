package glassbox.server.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.server.ApiError;
import glassbox.server.Http;
import glassbox.server.Json;
import glassbox.server.TestServer;

/** The lab's model views without HTTP (shapes, sizes, refusals), and their endpoints' 400s. */
class ModelLabTest {
    static ModelLab lab;

    @BeforeAll
    static void load() throws Exception {
        lab = new ModelLab(TestServer.services().engine());
    }

    static JsonNode json(Object o) {
        return Json.MAPPER.valueToTree(o);
    }

    @Test
    void lossScoresEveryTokenButTheFirst() {
        JsonNode r = json(lab.loss("The softmax turns logits into probabilities."));
        JsonNode tokens = r.get("tokens");
        assertThat(tokens.get(0).has("loss")).isFalse();
        double sum = 0;
        for (int i = 1; i < tokens.size(); i++) {
            double loss = tokens.get(i).get("loss").asDouble();
            assertThat(Math.exp(-loss)).isCloseTo(tokens.get(i).get("prob").asDouble(), within(1e-4));
            assertThat(tokens.get(i).get("predicted").get("prob").asDouble()).isGreaterThanOrEqualTo(tokens.get(i).get("prob").asDouble() - 1e-6);
            sum += loss;
        }
        assertThat(r.get("scored_tokens").asInt()).isEqualTo(tokens.size() - 1);
        assertThat(r.get("cross_entropy").asDouble()).isCloseTo(sum / (tokens.size() - 1), within(1e-4));
        assertThat(r.get("perplexity").asDouble()).isCloseTo(Math.exp(r.get("cross_entropy").asDouble()), within(1e-3));
        // one token: nothing to predict, no mean
        assertThat(json(lab.loss("The")).get("cross_entropy").isNull()).isTrue();
    }

    @Test
    void viewsRefuseTextsPastTheirTokenLimit() {
        String longText = "attention ".repeat(ModelLab.MAX_VIEW_TOKENS + 1);
        assertThatThrownBy(() -> lab.attention(longText, null)).isInstanceOf(ApiError.class).hasMessageContaining("at most 64");
        assertThatThrownBy(() -> lab.residual("")).isInstanceOf(ApiError.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> lab.attention("a b", 6)).isInstanceOf(ApiError.class).hasMessageContaining("between 0 and 5");
        assertThat(json(lab.loss("attention ".repeat(ModelLab.MAX_VIEW_TOKENS + 1))).get("tokens").size()).isGreaterThan(ModelLab.MAX_VIEW_TOKENS);
    }

    @Test
    void attentionLensAndResidualHaveTheirShapes() {
        String text = "Each head looks back";
        JsonNode a = json(lab.attention(text, 2));
        int n = a.get("tokens").size();
        assertThat(a.get("layers")).hasSize(1);
        JsonNode heads = a.get("layers").get(0).get("heads");
        assertThat(heads).hasSize(8);
        for (JsonNode head : heads) {
            for (int q = 0; q < n; q++) {
                assertThat(head.get(q)).hasSize(q + 1);
                double sum = 0;
                for (JsonNode w : head.get(q)) {
                    sum += w.asDouble();
                }
                assertThat(sum).isCloseTo(1.0, within(1e-4));
            }
        }
        assertThat(json(lab.attention(text, null)).get("layers")).hasSize(6);
        JsonNode lens = json(lab.lens(text, 3)).get("lens");
        assertThat(lens).hasSize(n);
        assertThat(lens.get(n - 1).get("layers")).hasSize(6);
        assertThat(lens.get(n - 1).get("layers").get(5).get("top")).hasSize(3);
        JsonNode res = json(lab.residual(text));
        assertThat(res.get("embedding")).hasSize(n);
        assertThat(res.get("blocks")).hasSize(6);
        assertThat(res.get("blocks").get(5).get("after_mlp")).hasSize(n);
    }

    @Test
    void neighboursNameTheTokenUsedAndProjectChosenWords() {
        JsonNode r = json(lab.neighbors(" embeddings", 5, List.of(" cat", " dog", " car")));
        assertThat(r.get("query").get("pieces").size()).isGreaterThanOrEqualTo(1);
        assertThat(r.get("neighbors")).hasSize(5);
        JsonNode points = r.get("projection").get("points");
        assertThat(points).hasSize(3);
        assertThat(points.get(0).get("text").asText()).isEqualTo(" cat");
        assertThat(r.get("projection").get("explained").get(0).asDouble()).isBetween(0.5, 1.0);
    }

    @Test
    void endpointsAnswerBadBodiesWith400() throws Exception {
        String url = TestServer.url();
        for (Map.Entry<String, String> bad : Map.of(
                "/api/loss", "{\"text\": 3}",
                "/api/embeddings/neighbors", "{\"text\": \" cat\", \"k\": 0}",
                "/api/attention", "{\"text\": \"a b\", \"layer\": -1}",
                "/api/lens", "{\"text\": \"a b\", \"top\": 11}",
                "/api/residual", "{}").entrySet()) {
            var r = Http.post(url + bad.getKey(), bad.getValue());
            assertThat(r.statusCode()).as(bad.getKey()).isEqualTo(400);
            assertThat(Http.json(r).get("error").get("message").asText()).as(bad.getKey()).isNotBlank();
        }
        var project = Http.post(url + "/api/embeddings/neighbors", "{\"text\": \" cat\", \"project\": [\"\"]}");
        assertThat(project.statusCode()).isEqualTo(400);
        assertThat(Http.json(project).get("error").get("param").asText()).isEqualTo("project");
    }

    @Test
    void labViewsRunningAlongsideAChatLeaveItsOutputUnchanged() throws Exception {
        String url = TestServer.url();
        String chat = "{\"model\":\"course-tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"What is attention?\"}],"
                + "\"max_tokens\":24,\"temperature\":0.8,\"seed\":11}";
        String alone = Http.json(Http.post(url + "/v1/chat/completions", chat)).get("choices").get(0).get("message").get("content").asText();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(7);   // all six lab calls and the chat at once
        try {
            List<java.util.concurrent.Future<Integer>> lab = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String path = List.of("/api/loss", "/api/attention", "/api/residual", "/api/lens", "/api/embeddings/neighbors", "/v1/embeddings").get(i);
                String body = path.equals("/v1/embeddings") ? "{\"model\":\"course-tiny\",\"input\":\"Each head looks back\"}"
                        : "{\"text\":\"Each head looks back at the tokens before it.\"}";
                lab.add(pool.submit(() -> Http.post(url + path, body).statusCode()));
            }
            // one slot and a queue of four in the test server: a busy answer (429) is what a client retries, not a failure
            var together = pool.submit(() -> {
                for (int attempt = 0; ; attempt++) {
                    var r = Http.post(url + "/v1/chat/completions", chat);
                    if (r.statusCode() != 429 || attempt == 50) {
                        return Http.json(r).get("choices").get(0).get("message").get("content").asText();
                    }
                    Thread.sleep(100);
                }
            });
            for (var f : lab) {
                assertThat(f.get()).isIn(200, 429);
            }
            assertThat(together.get()).isEqualTo(alone);
        } finally {
            pool.shutdownNow();
        }
    }
}
