package glassbox.server.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.infer.Engine;
import glassbox.server.ApiError;
import glassbox.server.Json;
import glassbox.server.TestServer;

/** One step of the inference loop, without HTTP: validation, the greedy choice and the KV cache kept between steps. */
class GenerationStepTest {

    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    /** The highest logit, lowest id first among equals: a second implementation of the greedy choice. */
    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void badRequestsAre400sThatNameTheField() throws Exception {
        GenerationStep step = new GenerationStep(TestServer.services().engine());
        Map<String, String> bad = Map.of(
                "{}", "text",
                "{\"ids\":[1],\"text\":\"a\"}", "ids",
                "{\"ids\":[-1]}", "ids",
                "{\"ids\":[99999]}", "ids",
                "{\"ids\":\"1,2\"}", "ids",
                "{\"text\":\"\"}", "text",
                "{\"text\":\"a\",\"temperature\":3}", "temperature",
                "{\"text\":\"a\",\"top_p\":0}", "top_p",
                "{\"text\":\"a\",\"seed\":-1}", "seed",
                "{\"text\":\"a\",\"session\":\"a b\"}", "session");
        for (var e : bad.entrySet()) {
            assertThatThrownBy(() -> step.parse(json(e.getKey()))).as(e.getKey()).isInstanceOfSatisfying(ApiError.class, err -> {
                assertThat(err.status()).isEqualTo(400);
                assertThat(err.body().toString()).contains(e.getValue());
            });
        }
    }

    @Test
    void eachStepIsTheGreedyTokenAndASessionComputesOnlyTheNewToken() throws Exception {
        Engine engine = TestServer.services().engine();
        GenerationStep step = new GenerationStep(engine);
        int[] ids = engine.tokenizer().encode("The KV cache stores");
        String session = "step-test-" + System.nanoTime();
        StringBuilder sent = new StringBuilder();
        for (int id : ids) {
            sent.append(sent.isEmpty() ? "" : ",").append(id);
        }
        for (int i = 0; i < 3; i++) {
            Map<String, Object> r = step.run(step.parse(json("{\"ids\":[" + sent + "],\"session\":\"" + session + "\"}")));
            int[] now = java.util.Arrays.stream(sent.toString().split(",")).mapToInt(Integer::parseInt).toArray();
            @SuppressWarnings("unchecked")
            int chosen = (int) ((Map<String, Object>) r.get("token")).get("id");
            assertThat(chosen).as("step %d", i).isEqualTo(argmax(engine.nextTokenLogits(now)));
            assertThat(r.get("prompt_tokens")).isEqualTo(now.length);
            // the first step prefills the prompt; later ones reuse every position but the last from the session's cache
            assertThat(r.get("computed_tokens")).isEqualTo(i == 0 ? now.length : 1);
            assertThat(r.get("draw")).as("greedy: no draw").isNull();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> candidates = (List<Map<String, Object>>) r.get("candidates");
            assertThat(candidates).hasSize(GenerationStep.CANDIDATES);
            assertThat(candidates.getFirst().get("id")).isEqualTo(chosen);
            sent.append(',').append(chosen);
        }
    }
}
