package glassbox.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import glassbox.model.infer.Engine;
import glassbox.server.TestServer;

/**
 * The real-model lesson widgets (lessons 07-12) against numbers recomputed in the test by another
 * road: the engine's single next-token logits per prefix, the embedding rows read straight from
 * model.safetensors, or the trainer's own forward pass on the same weights.
 */
class LabModelBrowserTest {

    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double[] out = new double[logits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = logits[i] - max - Math.log(sum);
        }
        return out;
    }

    @Test
    void lossWidgetShowsEachTokensSurpriseAndThePerplexity() throws Exception {
        LabPage lab = LabPage.open("12-the-language-modeling-objective");
        String before = lab.value("cross-entropy");
        String text = "Attention lets every token look back at the tokens before it.";
        lab.set("textarea", text);
        lab.valueChangedFrom("cross-entropy", before);
        // recomputed: one prefill per prefix, the next token's log-probability from its logits
        Engine engine = TestServer.services().engine();
        int[] ids = engine.tokenizer().encode(text);
        double sum = 0;
        double[] losses = new double[ids.length];
        for (int i = 1; i < ids.length; i++) {
            losses[i] = -logSoftmax(engine.nextTokenLogits(Arrays.copyOf(ids, i)))[ids[i]];
            sum += losses[i];
        }
        double ce = sum / (ids.length - 1);
        assertThat(lab.number("scored")).isEqualTo(ids.length - 1.0);
        assertThat(lab.number("cross-entropy")).isCloseTo(ce, within(1e-3));
        assertThat(lab.number("perplexity")).isCloseTo(Math.exp(ce), within(0.01 + 1e-3 * Math.exp(ce)));
        assertThat(lab.number("loss-1")).isCloseTo(losses[1], within(1e-3));
        assertThat(lab.number("loss-" + (ids.length - 1))).isCloseTo(losses[ids.length - 1], within(1e-3));
        assertThat(lab.number("uniform")).isCloseTo(Math.log(4096), within(1e-3));
        lab.finish();
    }
}
