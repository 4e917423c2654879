package glassbox.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.infer.Engine;
import glassbox.model.infer.Sampler;
import glassbox.model.infer.SamplingParams;
import glassbox.model.infer.SamplingStep;
import glassbox.server.Http;
import glassbox.server.TestServer;

/**
 * The generation lessons' widgets (06 tokenization, 18 the inference loop, 19 decoding) against
 * numbers recomputed here: the tokenizer's own ids, the sampler's choice, the filters re-applied
 * to the endpoint's logits, the KV cache size from config.json.
 */
class LabGenerationBrowserTest {

    /** What survives the filters, recomputed from all logits: how many tokens, their mass and the favourite's renormalised probability. */
    record Cut(int keep, double mass, double top) {
    }

    static Cut filter(float[] logits, double t, int topK, double topP, double minP) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp((logits[i] - max) / t);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        double[] sorted = Arrays.stream(p).boxed().sorted((a, b) -> Double.compare(b, a)).mapToDouble(Double::doubleValue).toArray();
        int keep = topK > 0 ? Math.min(topK, sorted.length) : sorted.length;
        double mass = 0;
        for (int i = 0; i < keep; i++) {
            mass += sorted[i];
            if (mass >= topP) {
                keep = i + 1;
                break;
            }
        }
        int survivors = 0;
        while (survivors < keep && sorted[survivors] >= minP * sorted[0]) {
            survivors++;
        }
        double kept = 0;
        for (int i = 0; i < survivors; i++) {
            kept += sorted[i];
        }
        return new Cut(survivors, kept, sorted[0] / kept);
    }

    @Test
    void decodingFiltersMatchTheEndpointsLogitsAndTheDrawIsTheSamplers() throws Exception {
        LabPage lab = LabPage.open("19-decoding-strategies");
        String text = "The cat sat on the";
        JsonNode d = Http.json(Http.post(TestServer.url() + "/api/distribution", "{\"text\":\"" + text + "\"}"));
        float[] logits = new float[d.get("logits").size()];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) d.get("logits").get(i).asDouble();
        }
        // the defaults: T 1, top-p 0.9
        Cut defaults = filter(logits, 1, 0, 0.9, 0);
        assertThat((int) lab.number("kept")).isEqualTo(defaults.keep());
        assertThat(lab.number("top-prob")).isCloseTo(defaults.top(), within(1e-3));
        // temperature 0.7, top-k 20, top-p 0.8, min-p 0.05
        String before = lab.value("kept-mass");
        lab.set("input[type=range]", 0, "0.7").set("input[type=range]", 1, "20").set("input[type=range]", 2, "0.8")
                .set("input[type=range]", 3, "0.05");
        lab.valueChangedFrom("kept-mass", before);
        Cut cut = filter(logits, 0.7, 20, 0.8, 0.05);
        assertThat((int) lab.number("kept")).isEqualTo(cut.keep());
        assertThat(lab.number("kept-mass")).isCloseTo(cut.mass(), within(1e-3));
        assertThat(lab.number("top-prob")).isCloseTo(cut.top(), within(1e-3));
        // a draw with seed 11 is the token the server's sampler picks for the same settings and seed
        lab.set("input[type=number]", "11").click("button.lab-draw");
        int drawn = (int) lab.number("drawn-id");
        Engine engine = TestServer.services().engine();
        SamplingStep step = new Sampler(new SamplingParams(0.7f, 20, 0.8f, 0.05f, 1f, 0f, 0f, Map.of(), 11L), 10)
                .next(engine.nextTokenLogits(engine.tokenizer().encode(text)), null);
        assertThat(drawn).isEqualTo(step.tokenId());
        assertThat(lab.number("draw-u")).isCloseTo(step.draw(), within(1e-4));
        assertThat(lab.value("drawn-token")).isNotEmpty();
        lab.finish();
    }

    static String ids(int[] ids) {
        return String.join(" ", Arrays.stream(ids).mapToObj(String::valueOf).toList());
    }

    @Test
    void tokenizationStepsThroughTheRealMergesToTheTokenizersIds() throws Exception {
        LabPage lab = LabPage.open("06-tokenization");
        var tokenizer = TestServer.services().engine().tokenizer();
        assertThat(lab.value("final-ids")).isEqualTo(ids(tokenizer.encode("lowest lowly tokenization")));
        String before = lab.value("final-ids");
        lab.set("input[type=text]", "unbelievable");
        assertThat(lab.valueChangedFrom("final-ids", before)).isEqualTo(ids(tokenizer.encode("unbelievable")));
        // before any merge the piece is its bytes; each merge joins two neighbours; after all of them it is the encoder's ids
        byte[] utf8 = "unbelievable".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(lab.value("piece-ids")).isEqualTo(ids(java.util.stream.IntStream.range(0, utf8.length).map(i -> utf8[i] & 0xFF).toArray()));
        lab.click("button[data-step=next]");
        assertThat((int) lab.number("piece-tokens")).isEqualTo(utf8.length - 1);
        assertThat(lab.value("merged")).hasSize(2);
        assertThat("unbelievable").contains(lab.value("merged"));
        lab.click("button[data-step=all]");
        assertThat(lab.value("piece-ids")).isEqualTo(ids(tokenizer.encode("unbelievable")));
        lab.set("input[type=range]", "2");
        assertThat((int) lab.number("piece-tokens")).isEqualTo(utf8.length - 2);
        lab.finish();
    }

    @Test
    void theInferenceLoopAddsTheGreedyTokenPerClickAndTheKvCacheGrows() throws Exception {
        LabPage lab = LabPage.open("18-the-inference-loop");
        Engine engine = TestServer.services().engine();
        int[] prompt = engine.tokenizer().encode("The KV cache stores");
        assertThat(lab.value("steps")).isEqualTo("0");
        assertThat(lab.number("kv-bytes")).isEqualTo(0.0);
        for (int i = 1; i <= 3; i++) {
            lab.click("button[data-step=next]");
            int step = i;
            lab.waitFor(() -> lab.value("steps").equals(String.valueOf(step)));
        }
        // three greedy steps, recomputed here on a fresh cache each time
        int[] ids = prompt;
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            float[] logits = engine.nextTokenLogits(ids);
            int best = 0;
            for (int v = 1; v < logits.length; v++) {
                if (logits[v] > logits[best]) {
                    best = v;
                }
            }
            expected.append(i == 0 ? "" : " ").append(best);
            ids = Arrays.copyOf(ids, ids.length + 1);
            ids[ids.length - 1] = best;
        }
        assertThat(lab.value("generated-ids")).isEqualTo(expected.toString());
        // the third step fed the prompt and two generated tokens, and computed only the newest one
        int positions = prompt.length + 2;
        assertThat((int) lab.number("kv-positions")).isEqualTo(positions);
        assertThat(lab.value("computed")).isEqualTo("1");
        JsonNode config = glassbox.server.Json.MAPPER.readTree(engine.info().dir().resolve("config.json").toFile());
        long headDim = config.has("head_dim") ? config.get("head_dim").asLong()
                : config.get("hidden_size").asLong() / config.get("num_attention_heads").asLong();
        long bytes = 2L * config.get("num_hidden_layers").asLong() * config.get("num_key_value_heads").asLong() * headDim * positions * 4;
        assertThat((long) lab.number("kv-bytes")).isEqualTo(bytes);
        assertThat((long) lab.number("kv-entries")).isEqualTo(bytes / 4);
        lab.finish();
    }
}
