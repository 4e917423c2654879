package glassbox.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.server.Http;
import glassbox.server.TestServer;

/**
 * The widgets of lessons 01–05 and 24 (browser math, plus course-tiny's real curves in 05): each one's
 * defaults against its lesson's worked example, then a control changed and the new number checked.
 */
class LabFoundationsBrowserTest {

    @Test
    void neuronReproducesTheWorkedExampleAndXorDefeatsEveryLine() throws Exception {
        LabPage lab = LabPage.open("01-the-neuron");
        // x = (0.6, 0.2, 0.9), w = (0.4, -0.5, 0.3), b = -0.1: sum 0.31, step 1, sigmoid 0.577
        assertThat(lab.number("sum")).isCloseTo(0.31, within(1e-9));
        assertThat(lab.value("step")).isEqualTo("1");
        assertThat(lab.number("sigmoid")).isCloseTo(0.577, within(1e-9));
        // bias -0.5: sum -0.09, step 0, sigmoid 0.478
        lab.set("input[name=bias]", "-0.5");
        assertThat(lab.number("sum")).isCloseTo(-0.09, within(1e-9));
        assertThat(lab.value("step")).isEqualTo("0");
        assertThat(lab.number("sigmoid")).isCloseTo(0.478, within(1e-9));
        // exercise 1: w = (0.2, -0.4), b = 0, eta = 0.5 on (1, 1) with target 1 → w = (0.7, 0.1), b = 0.5
        assertThat(lab.value("correct")).isEqualTo("2/4");
        lab.click("button[data-action=rule]");
        assertThat(lab.number("w1")).isCloseTo(0.7, within(1e-9));
        assertThat(lab.number("w2")).isCloseTo(0.1, within(1e-9));
        assertThat(lab.number("b")).isCloseTo(0.5, within(1e-9));
        assertThat(lab.value("log")).contains("output is 1");
        // AND and OR have a separating line, XOR does not: the rule settles on AND, never on XOR
        assertThat(lab.value("best-AND")).isEqualTo("4/4");
        assertThat(lab.value("best-OR")).isEqualTo("4/4");
        assertThat(lab.value("best-XOR")).isEqualTo("3/4");
        lab.click("button[data-action=train]");
        assertThat(lab.value("log")).startsWith("Settled");
        assertThat(lab.value("correct")).isEqualTo("4/4");
        lab.set("select[name=gate]", "XOR").click("button[data-action=train]");
        assertThat(lab.value("log")).startsWith("Still changing");
        assertThat(lab.value("correct")).isNotEqualTo("4/4");
        lab.finish();
    }

    @Test
    void activationsReproduceTheLessonsTableAndShowSaturation() throws Exception {
        LabPage lab = LabPage.open("03-activation-functions");
        // the worked example's table at z = -2, 0, 1 (three decimals)
        String[] names = {"ReLU", "sigmoid", "tanh", "GELU", "SiLU"};
        double[][] expected = {{0, 0.119, -0.964, -0.046, -0.238}, {0, 0.5, 0, 0, 0}, {1, 0.731, 0.762, 0.841, 0.731}};
        for (int row = 0; row < 3; row++) {
            for (int f = 0; f < names.length; f++) {
                assertThat(lab.number(names[f] + "@" + row)).as(names[f] + " at row " + row).isCloseTo(expected[row][f], within(1e-9));
            }
        }
        // at z = -2 the sigmoid's slope is 0.119 × 0.881 ≈ 0.105, ReLU's is 0 and GELU's small but not zero
        assertThat(lab.number("sigmoid-slope")).isCloseTo(0.105, within(1e-9));
        assertThat(lab.number("ReLU-slope")).isEqualTo(0.0);
        assertThat(Math.abs(lab.number("GELU-slope"))).isBetween(0.01, 0.1);
        assertThat(lab.value("ReLU-state")).startsWith("zero");
        // far out on the right sigmoid and tanh saturate while ReLU still passes the gradient
        lab.set("input[name=z]", "5");
        assertThat(lab.number("ReLU-slope")).isEqualTo(1.0);
        assertThat(lab.value("tanh-state")).startsWith("saturated");
        assertThat(lab.value("sigmoid-state")).startsWith("saturated");
        assertThat(lab.value("SiLU-state")).isEqualTo("flows");
        // exercise 1: softmax(1, 2, 3) = (0.090, 0.245, 0.665); sigma(2) = 0.881
        assertThat(lab.number("p0")).isCloseTo(0.09, within(1e-9));
        assertThat(lab.number("p1")).isCloseTo(0.245, within(1e-9));
        assertThat(lab.number("p2")).isCloseTo(0.665, within(1e-9));
        lab.set("input[name=inputs]", "2");
        assertThat(lab.number("sigmoid@0")).isCloseTo(0.881, within(1e-9));
        lab.finish();
    }

    @Test
    void layersCountParametersAndTheHiddenLayerSolvesXor() throws Exception {
        LabPage lab = LabPage.open("02-layers-and-deep-networks");
        // 3, 4, 4, 2: 16 + 20 + 10 = 46 parameters
        assertThat(lab.number("layer-1")).isEqualTo(16.0);
        assertThat(lab.number("layer-2")).isEqualTo(20.0);
        assertThat(lab.number("layer-3")).isEqualTo(10.0);
        assertThat(lab.number("total")).isEqualTo(46.0);
        // the MNIST classifier: 100,480 + 1,290 = 101,770
        lab.set("input[name=widths]", "784, 128, 10");
        assertThat(lab.number("layer-1")).isEqualTo(100_480.0);
        assertThat(lab.number("total")).isEqualTo(101_770.0);
        // the XOR network: (1, 1) → h = (2, 1), y = 0; the four outputs 0, 1, 1, 0
        assertThat(lab.number("h1-3")).isEqualTo(2.0);
        assertThat(lab.number("h2-3")).isEqualTo(1.0);
        double[] xor = {0, 1, 1, 0};
        for (int i = 0; i < 4; i++) {
            assertThat(lab.number("y-" + i)).isEqualTo(xor[i]);
        }
        assertThat(lab.value("xor-right")).isEqualTo("4/4");
        // halve the output's penalty on h2 and (1, 1) answers 1: no longer XOR
        lab.set("input[name=v2]", "-1");
        assertThat(lab.number("y-3")).isEqualTo(1.0);
        assertThat(lab.value("xor-right")).isEqualTo("3/4");
        lab.finish();
    }

    @Test
    void backpropReproducesTheGradientStepAndATooLargeRateDiverges() throws Exception {
        LabPage lab = LabPage.open("04-training-and-backpropagation");
        // w = 0.5, b = 0, x = 2, y = 2: ŷ = 1, L = 1; ∂L/∂ŷ = -2, ∂L/∂w = -4, ∂L/∂b = -2
        assertThat(lab.number("yhat")).isEqualTo(1.0);
        assertThat(lab.number("loss")).isEqualTo(1.0);
        assertThat(lab.number("dL-dyhat")).isEqualTo(-2.0);
        assertThat(lab.number("dL-dw")).isEqualTo(-4.0);
        assertThat(lab.number("dL-db")).isEqualTo(-2.0);
        // η = 0.05: w → 0.7, b → 0.1, ŷ → 1.5, L → 0.25
        assertThat(lab.number("w-next")).isCloseTo(0.7, within(1e-9));
        assertThat(lab.number("b-next")).isCloseTo(0.1, within(1e-9));
        lab.click("button[data-action=step]");
        assertThat(lab.value("step")).isEqualTo("1");
        assertThat(lab.number("yhat")).isCloseTo(1.5, within(1e-9));
        assertThat(lab.number("loss")).isCloseTo(0.25, within(1e-9));
        assertThat(lab.value("verdict")).contains("converges");
        // η = 0.5 from the start: w → 2.5, b → 1, ŷ → 6, L → 16, and it keeps exploding
        lab.click("button[data-action=reset]").set("input[name=eta]", "0.5");
        assertThat(lab.number("w-next")).isCloseTo(2.5, within(1e-9));
        assertThat(lab.number("b-next")).isCloseTo(1.0, within(1e-9));
        assertThat(lab.number("yhat-next")).isCloseTo(6.0, within(1e-9));
        assertThat(lab.number("loss-next")).isCloseTo(16.0, within(1e-9));
        assertThat(lab.value("verdict")).contains("diverges");
        lab.click("button[data-action=steps]");
        assertThat(lab.number("loss")).isGreaterThan(1e6);
        // back to η = 0.05: ten steps quarter the loss ten times
        lab.click("button[data-action=reset]").set("input[name=eta]", "0.05").click("button[data-action=steps]");
        assertThat(lab.number("loss")).isCloseTo(Math.pow(0.25, 10), within(1e-6));
        lab.finish();
    }

    @Test
    void overfittingShowsTheRealGapEarlyStoppingAndAnOverfitPolynomial() throws Exception {
        LabPage lab = LabPage.open("05-overfitting-and-generalization");
        // the lesson's table with patience 2: best at 400 (3.65), stop at 600; gaps 0.75 and 1.70; perplexity 38.5 and 44.7
        assertThat(lab.value("best-step")).isEqualTo("400");
        assertThat(lab.value("stop-step")).isEqualTo("600");
        assertThat(lab.number("gap-best")).isCloseTo(0.75, within(1e-9));
        assertThat(lab.number("gap-last")).isCloseTo(1.70, within(1e-9));
        assertThat(lab.number("ppl-best")).isCloseTo(38.5, within(1e-9));
        assertThat(lab.number("ppl-last")).isCloseTo(44.7, within(1e-9));
        lab.set("input[name=patience]", "1");
        assertThat(lab.value("stop-step")).isEqualTo("500");
        assertThat(lab.number("ppl-last")).isCloseTo(Math.round(Math.exp(3.69) * 10) / 10.0, within(1e-9));

        // course-tiny's curve, recomputed here from /api/model: evaluations, mean training loss since the previous one
        JsonNode curve = Http.json(Http.get(TestServer.url() + "/api/model")).path("training").path("curve");
        List<double[]> evals = new ArrayList<>();   // step, batch train, mean train, validation
        double sum = 0;
        int count = 0;
        for (JsonNode p : curve) {
            if (p.hasNonNull("train_loss")) {
                sum += p.get("train_loss").asDouble();
                count++;
            }
            if (p.hasNonNull("val_loss")) {
                evals.add(new double[] {p.get("step").asInt(), p.get("train_loss").asDouble(), sum / count, p.get("val_loss").asDouble()});
                sum = 0;
                count = 0;
            }
        }
        assertThat(evals).isNotEmpty();
        double[] last = evals.get(evals.size() - 1), best = evals.stream().min((a, b) -> Double.compare(a[3], b[3])).orElseThrow();
        assertThat(lab.number("real-val")).isCloseTo(last[3], within(6e-4));
        assertThat(lab.number("real-gap")).isCloseTo(last[3] - last[2], within(1.1e-3));
        assertThat(lab.number("real-best-step")).isEqualTo(best[0]);
        assertThat(lab.number("real-best-val")).isCloseTo(best[3], within(6e-4));
        // the first evaluation against its single batch
        lab.set("select[name=evaluation]", "0").set("select[name=train-loss]", "batch");
        double[] first = evals.get(0);
        assertThat(lab.number("real-train")).isCloseTo(first[1], within(6e-4));
        assertThat(lab.number("real-gap")).isCloseTo(first[3] - first[1], within(1.1e-3));

        // the polynomial: degree 9 through ten points has no training error and the worst validation error
        assertThat(lab.value("best-degree")).isEqualTo("3");
        lab.set("input[name=degree]", "9");
        assertThat(lab.number("train-mse")).isLessThan(1e-4);
        double overfit = lab.number("val-mse");
        lab.set("input[name=degree]", "3");
        assertThat(lab.number("val-mse")).isLessThan(overfit / 5);
        assertThat(lab.number("train-mse")).isGreaterThan(1e-3);
        lab.finish();
    }

    @Test
    void multimodalCutsTheImageIntoTheLessonsPatchCounts() throws Exception {
        LabPage lab = LabPage.open("24-multimodal-models");
        // 224 × 224 in 16 × 16 patches: 14 × 14 = 196 tokens of 768 numbers; a 1152 → 4096 projection has 4,722,688 parameters
        assertThat(lab.value("grid")).isEqualTo("14 × 14");
        assertThat(lab.number("patches")).isEqualTo(196.0);
        assertThat(lab.value("per-patch")).endsWith("= 768");
        assertThat(lab.number("projection")).isEqualTo(4_722_688.0);
        assertThat(lab.number("attention-ratio")).isEqualTo(1.0);
        assertThat(lab.number("mean-0")).isBetween(1.0, 255.0);   // the first token is a patch of real pixels, not blank
        // 448 × 448: 28 × 28 = 784 patches, four times the tokens and sixteen times the attention work
        lab.set("input[name=width]", "448").set("input[name=height]", "448");
        assertThat(lab.value("grid")).isEqualTo("28 × 28");
        assertThat(lab.number("patches")).isEqualTo(784.0);
        assertThat(lab.number("attention-ratio")).isEqualTo(16.0);
        // 14-pixel patches on 224 × 224 (as in many SigLIP encoders): 16 × 16 = 256 patches of 588 numbers
        lab.set("input[name=width]", "224").set("input[name=height]", "224").set("select[name=patch]", "14");
        assertThat(lab.number("patches")).isEqualTo(256.0);
        assertThat(lab.value("per-patch")).endsWith("= 588");
        lab.set("input[name=lm]", "2048");
        assertThat(lab.number("projection")).isEqualTo(1152.0 * 2048 + 2048);
        lab.finish();
    }
}
