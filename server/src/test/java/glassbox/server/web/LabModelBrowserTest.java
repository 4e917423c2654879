package glassbox.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import glassbox.model.export.Safetensors;
import glassbox.model.export.WeightsIo;
import glassbox.model.infer.Engine;
import glassbox.model.train.Parallel;
import glassbox.model.train.Transformer;
import glassbox.model.train.Weights;
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

    /** Cosine of two rows of the embedding table as stored in model.safetensors ([vocab, hidden], row-major). */
    static double cosine(float[] table, int hidden, int a, int b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < hidden; i++) {
            float x = table[a * hidden + i], y = table[b * hidden + i];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void embeddingWidgetFindsTheNearestRowsByCosine() throws Exception {
        LabPage lab = LabPage.open("07-embeddings");
        String before = lab.value("query");
        lab.set("input[type=text]", 0, "dog");
        lab.valueChangedFrom("query", before);
        Engine engine = TestServer.services().engine();
        int[] dog = engine.tokenizer().encode(" dog");
        assertThat(dog).hasSize(1);
        assertThat(lab.value("query")).contains("id " + dog[0]);
        Safetensors.Tensor embed = Safetensors.readF32(engine.modelDir().resolve("model.safetensors")).get("model.embed_tokens.weight");
        int hidden = (int) embed.shape()[1], vocab = (int) embed.shape()[0];
        // the first neighbour: the highest cosine of every other row, recomputed here
        double best = -2;
        for (int t = 0; t < vocab; t++) {
            if (t != dog[0]) {
                best = Math.max(best, cosine(embed.data(), hidden, dog[0], t));
            }
        }
        int first = (int) lab.number("neighbor-id-1");
        assertThat(cosine(embed.data(), hidden, dog[0], first)).isCloseTo(best, within(1e-6));
        assertThat(lab.number("cosine-1")).isCloseTo(best, within(1e-4));
        int third = (int) lab.number("neighbor-id-3");
        assertThat(lab.number("cosine-3")).isCloseTo(cosine(embed.data(), hidden, dog[0], third), within(1e-4));
        // the projected words' table: " cat" against the query " dog", and " dog" against itself
        int cat = engine.tokenizer().encode(" cat")[0];
        assertThat(lab.number("cos-0")).isCloseTo(cosine(embed.data(), hidden, dog[0], cat), within(1e-4));
        assertThat(lab.number("cos-1")).isCloseTo(1.0, within(1e-4));
        assertThat(lab.number("explained-1")).isBetween(0.0, 100.0).isGreaterThanOrEqualTo(lab.number("explained-2"));
        lab.finish();
    }

    private static Weights weights;

    /** The trainer's forward pass over {@code text} on the committed weights: a second implementation of the model. */
    static synchronized Transformer trainer(String text) throws Exception {
        Engine engine = TestServer.services().engine();
        if (weights == null) {
            weights = WeightsIo.load(engine.modelDir());
        }
        int[] ids = engine.tokenizer().encode(text);
        Transformer t = new Transformer(weights, 1, ids.length, new Parallel(1));
        t.forward(ids);
        return t;
    }

    /** Waits until the widget shows exactly {@code count} elements whose data-value starts with {@code prefix}. */
    static void awaitCount(LabPage lab, String prefix, int count) {
        lab.waitFor(() -> lab.root.findElements(org.openqa.selenium.By.cssSelector("[data-value^='" + prefix + "']")).size() == count);
    }

    @Test
    void attentionWidgetComputesTheWorkedRowAndShowsARealOne() throws Exception {
        LabPage lab = LabPage.open("08-the-attention-mechanism");
        // by hand: the worked example, then exercise 1's query (0, 2, 0, 0)
        assertThat(lab.number("hand-weight-0")).isCloseTo(0.307, within(1e-3));
        assertThat(lab.number("hand-weight-1")).isCloseTo(0.186, within(1e-3));
        assertThat(lab.number("hand-weight-2")).isCloseTo(0.506, within(1e-3));
        assertThat(lab.value("hand-output")).isEqualTo("(0.814, 0.693)");
        lab.set("input[type=text]", 0, "0, 2, 0, 0");
        assertThat(lab.number("hand-weight-1")).isCloseTo(0.576, within(1e-3));
        assertThat(lab.value("hand-output")).isEqualTo("(0.424, 0.788)");
        // the real row: layer 3, head 2, the query at position 5 of a typed sentence
        String text = "The first head looks back at the token before it.";
        int n = TestServer.services().engine().tokenizer().encode(text).length;
        lab.set("select", 0, "3").set("select", 1, "2").set("input[type=text]", 7, text);
        awaitCount(lab, "real-weight-", n);
        lab.set("select", 2, "5");
        awaitCount(lab, "real-weight-", 6);
        float[] expected = trainer(text).attentionRow(3, 2, 5);
        for (int k = 0; k <= 5; k++) {
            assertThat(lab.number("real-weight-" + k)).as("weight on position %d", k).isCloseTo(expected[k], within(1e-3));
        }
        assertThat(lab.number("real-sum")).isCloseTo(1.0, within(1e-3));
        lab.finish();
    }

    @Test
    void multiHeadWidgetShowsEveryHeadOfALayer() throws Exception {
        LabPage lab = LabPage.open("09-multi-head-attention");
        String text = "The cat sat on the mat, and then the cat sat on the chair.";
        int n = TestServer.services().engine().tokenizer().encode(text).length;
        lab.set("select", 0, "2").set("input[type=text]", 0, text);
        lab.waitFor(() -> lab.value("layer").equals("Layer 2") && lab.value("token-count").equals(String.valueOf(n)));
        Transformer t = trainer(text);
        for (int h = 0; h < 8; h++) {
            double prev = 0, first = 0;
            for (int q = 1; q < n; q++) {
                float[] row = t.attentionRow(2, h, q);
                prev += row[q - 1];
                first += row[0];
            }
            assertThat(lab.number("prev-" + h)).as("head %d, previous token", h).isCloseTo(prev / (n - 1), within(1e-3));
            assertThat(lab.number("first-" + h)).as("head %d, first token", h).isCloseTo(first / (n - 1), within(1e-3));
        }
        // every head's row for the token at position 4, as numbers
        lab.set("select", 1, "4");
        awaitCount(lab, "row-0-", 5);
        for (int h = 0; h < 8; h++) {
            assertThat(lab.number("row-" + h + "-3")).isCloseTo(t.attentionRow(2, h, 4)[3], within(1e-3));
        }
        lab.finish();
    }

    @Test
    void stackingWidgetShowsTheLogitLensAndCountsTheParameters() throws Exception {
        LabPage lab = LabPage.open("11-stacking-layers");
        // the counter: course-tiny's config gives the worked example's 5,795,072, the count of the committed file
        Engine engine = TestServer.services().engine();
        assertThat(lab.number("params-total")).isEqualTo(5_795_072.0).isEqualTo((double) engine.info().parameters());
        assertThat(lab.number("params-file")).isEqualTo((double) engine.info().parameters());
        assertThat(lab.number("params-block")).isEqualTo(791_040.0);
        lab.set("input[type=number]", 2, "12");   // twelve layers: 12 × 791,040 + 1,048,576 + 256
        assertThat(lab.number("params-total")).isEqualTo(12 * 791_040.0 + 1_048_576 + 256);
        // the lens after position 4 of a typed text: each layer's top guess, recomputed through the trainer
        String text = "The softmax turns the scores into probabilities.";
        int[] ids = engine.tokenizer().encode(text);
        String before = lab.value("lens-top-5");
        lab.set("input[type=text]", 0, text);
        lab.waitFor(() -> lab.root.findElements(org.openqa.selenium.By.cssSelector("select option")).size() == ids.length + 2);
        lab.set("select", 0, "4");
        Transformer t = trainer(text);
        int h = weights.config.hiddenSize(), vocab = weights.config.vocabSize();
        for (int layer = 0; layer < 6; layer++) {
            float[] stream = Arrays.copyOfRange(t.residualBefore(layer + 1), 4 * h, 5 * h);
            double ss = 0;
            for (float x : stream) {
                ss += x * x;
            }
            double rs = 1 / Math.sqrt(ss / h + weights.config.rmsNormEps());
            int best = -1;
            double bestLogit = Double.NEGATIVE_INFINITY;
            for (int tok = 0; tok < vocab; tok++) {
                double logit = 0;
                for (int i = 0; i < h; i++) {
                    logit += stream[i] * rs * weights.data[weights.finalNorm.offset() + i] * weights.data[weights.embed.offset() + tok * h + i];
                }
                if (logit > bestLogit) {
                    bestLogit = logit;
                    best = tok;
                }
            }
            String shown = engine.tokenizer().tokenText(best).replace(" ", "\u00b7");
            int l = layer;
            lab.waitFor(() -> lab.value("lens-top-" + l).startsWith(shown + " "));
        }
        assertThat(before).isNotNull();
        lab.finish();
    }

    static double norm(float[] all, int row, int h) {
        double s = 0;
        for (int i = row * h; i < (row + 1) * h; i++) {
            s += (double) all[i] * all[i];
        }
        return Math.sqrt(s);
    }

    @Test
    void blockWidgetShowsTheWorkedStepAndTheRealResidualStream() throws Exception {
        LabPage lab = LabPage.open("10-the-transformer-block");
        // the worked example: rms √3.5, normalised (1.604, -0.535, 1.069, 0), new stream (3.2, -0.9, 1.7, 0.4)
        assertThat(lab.number("rms")).isCloseTo(Math.sqrt(3.5), within(1e-3));
        assertThat(lab.value("normed")).isEqualTo("(1.604, -0.535, 1.069, 0)");
        assertThat(lab.value("sum")).isEqualTo("(3.2, -0.9, 1.7, 0.4)");
        // the real stream through block 2 of a typed text, against the trainer's forward pass
        String text = "The residual stream carries every token through the blocks.";
        int n = TestServer.services().engine().tokenizer().encode(text).length;
        lab.set("select", 0, "2").set("input[type=text]", 2, text);
        lab.waitFor(() -> lab.value("block").equals("Block 2")
                && lab.root.findElements(org.openqa.selenium.By.cssSelector("[data-value^='mlp-']")).size() == n);
        Transformer t = trainer(text);
        int h = weights.config.hiddenSize();
        for (int p : new int[] {0, 3, n - 1}) {
            assertThat(lab.number("in-" + p)).as("entering, position %d", p).isCloseTo(norm(t.residualBefore(2), p, h), within(2e-3));
            assertThat(lab.number("attn-" + p)).as("after attention, position %d", p).isCloseTo(norm(t.residualAfterAttention(2), p, h), within(2e-3));
            assertThat(lab.number("mlp-" + p)).as("after the MLP, position %d", p).isCloseTo(norm(t.residualBefore(3), p, h), within(2e-3));
        }
        lab.finish();
    }
}
