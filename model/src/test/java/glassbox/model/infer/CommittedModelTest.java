package glassbox.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import glassbox.model.export.WeightsIo;
import glassbox.model.tokenizer.SpecialToken;
import glassbox.model.train.Parallel;
import glassbox.model.train.Transformer;
import glassbox.model.train.Weights;

/**
 * The committed default model, as jlama serves it, against the trainer's forward pass on the
 * same file: next-token probabilities agree to 1e-4 on several prompts, one of which fills the
 * whole 1024-token context, and generation runs to the last position without crashing.
 */
class CommittedModelTest {
    static final Path DIR = Path.of("../models/course-tiny");
    static Engine engine;
    static Weights weights;
    static Parallel par = new Parallel(2);

    @BeforeAll
    static void load() throws Exception {
        engine = Engine.load(DIR, EngineOptions.defaults());
        weights = WeightsIo.load(DIR);
    }

    @AfterAll
    static void close() {
        engine.close();
        par.close();
    }

    static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (Math.exp(logits[i] - max) / sum);
        }
        return p;
    }

    @Test
    void jlamaMatchesTheTrainerOnTheCommittedWeightsUpToAFullContext() {
        int ctx = engine.info().contextLength();
        assertThat(ctx).isEqualTo(1024);
        int[] full = new int[ctx];
        Random r = new Random(5);
        for (int i = 0; i < ctx; i++) {
            full[i] = r.nextInt(engine.info().vocabSize() - 8);
        }
        List<int[]> prompts = List.of(engine.tokenizer().encode("Attention lets every token look back"),
                engine.tokenizer().encodeWithSpecials("<|bos|><|user|>What is a neuron?<|end|><|assistant|>"), full);
        for (int[] prompt : prompts) {
            float[] jlama = softmax(engine.nextTokenLogits(prompt));
            Transformer t = new Transformer(weights, 1, prompt.length, par);
            t.forward(prompt);
            float[] trainer = t.probabilities(prompt.length - 1);
            float maxDiff = 0;
            for (int i = 0; i < jlama.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(jlama[i] - trainer[i]));
            }
            assertThat(maxDiff).as("prompt of %d tokens", prompt.length).isLessThanOrEqualTo(1e-4f);
        }
    }

    @Test
    void generationReachesTheLastPositionOfTheContext() {
        int ctx = engine.info().contextLength();
        int[] prompt = new int[ctx - 12];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = 300 + (i % 500);
        }
        SamplingParams s = new SamplingParams(1f, 0, 1f, 0f, 1f, 0f, 0f,
                java.util.Map.of(engine.tokenizer().id(SpecialToken.END), -100f, engine.tokenizer().id(SpecialToken.EOS), -100f), 1);
        GenerationResult res = engine.generate(new GenerationRequest(prompt, 12, s, List.of(), Set.of(), TraceOptions.OFF, null), null, null);
        assertThat(res.completionTokens()).isEqualTo(12);
        assertThat(res.tokens().getLast().position()).isEqualTo(ctx - 1);
    }
}
