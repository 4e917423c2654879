package glassbox.model.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.train.CurvePoint;
import glassbox.model.train.ModelConfig;
import glassbox.model.train.Parallel;
import glassbox.model.train.TrainingConfig;
import glassbox.model.train.Transformer;
import glassbox.model.train.Weights;

/**
 * The exported directory is what jlama serves: it must reload to the same weights, and jlama's
 * next-token probabilities must equal the trainer's own forward pass, up to the last position
 * of the context window.
 */
class ExportTest {
    static final List<String> TEXT = List.of(
            "The attention layer lets every token look back at the tokens before it.",
            "A neuron takes a weighted sum of its inputs and adds a bias.",
            "Sampling with temperature divides the logits before the softmax.");
    static final int CONTEXT = 64;

    @TempDir
    static Path dir;
    static BpeTokenizer tokenizer;
    static Weights weights;
    static Parallel par = new Parallel(2);

    @BeforeAll
    static void exportAModel() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            texts.addAll(TEXT);
        }
        tokenizer = BpeTokenizer.train(texts, 320, null);
        ModelConfig config = new ModelConfig(tokenizer.vocabSize(), 64, 2, 4, 176, CONTEXT, 10_000f, 1e-5f);
        weights = new Weights(config);
        weights.initialize(7);
        // Freshly initialised weights predict an almost uniform distribution, against which any
        // two implementations agree; a larger embedding makes the distribution sharp.
        for (int i = weights.embed.offset(); i < weights.embed.offset() + weights.embed.size(); i++) {
            weights.data[i] *= 40;
        }
        ModelExporter.export(dir.resolve("model"), weights, tokenizer, report(config));
    }

    @AfterAll
    static void close() {
        par.close();
    }

    @Test
    void writesTheHuggingFaceLayout() {
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "generation_config.json", "training.json", "loss-curve.svg", "README.md")) {
            assertThat(dir.resolve("model").resolve(f)).exists();
        }
    }

    @Test
    void reloadsToTheSameWeightsAndConfig() throws Exception {
        Weights back = WeightsIo.load(dir.resolve("model"));
        assertThat(back.config).isEqualTo(weights.config);
        assertThat(back.data).isEqualTo(weights.data);
        BpeTokenizer tok = BpeTokenizer.load(dir.resolve("model"));
        assertThat(tok.encode(TEXT.get(0))).isEqualTo(tokenizer.encode(TEXT.get(0)));
    }

    @Test
    void jlamaNextTokenProbabilitiesMatchTheTrainer() {
        int[] shortPrompt = tokenizer.encode(TEXT.get(0));
        int[] fullContext = new int[CONTEXT];
        Random random = new Random(3);
        for (int i = 0; i < CONTEXT; i++) {
            fullContext[i] = random.nextInt(tokenizer.vocabSize());
        }
        AbstractModel jlama = ModelSupport.loadModel(dir.resolve("model").toFile(), DType.F32, DType.F32);
        try {
            for (int[] prompt : List.of(shortPrompt, tokenizer.encode(TEXT.get(2)), fullContext)) {
                Transformer trainer = new Transformer(weights, 1, prompt.length, par);
                trainer.forward(prompt);
                try (KvBufferCache cache = new KvBufferCache(jlama); KvBufferCache.KvBuffer kv = cache.getEphemeralKvBuffer()) {
                    for (int pos = 0; pos < prompt.length; pos++) {
                        float[] ours = trainer.probabilities(pos);
                        float[] theirs;
                        try (AbstractTensor h = jlama.forward(prompt[pos], pos, kv, Optional.empty())) {
                            theirs = jlama.getLogits(h);
                        }
                        assertThat(max(ours)).as("a sharp distribution").isGreaterThan(5f / ours.length);
                        assertThat(maxAbsDiff(ours, theirs)).as("position %d of %d", pos, prompt.length).isLessThanOrEqualTo(1e-4f);
                    }
                }
            }
        } finally {
            jlama.close();
        }
    }

    static float max(float[] a) {
        float m = Float.NEGATIVE_INFINITY;
        for (float x : a) {
            m = Math.max(m, x);
        }
        return m;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertThat(b).hasSameSizeAs(a);
        float d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    static TrainingReport report(ModelConfig c) {
        TrainingConfig tc = TrainingConfig.defaults();
        List<CurvePoint> curve = List.of(new CurvePoint(1, 5.0f, 5.1f, 1e-3f, 1.0f, 100, 1000f));
        return new TrainingReport("export-test", tc, 1, c.parameterCount(), 1, 100, 100, 10, 1, List.of("x"),
                5.1f, 5.0f, false, 1.0, 1000.0, "hash", 0.1, Runtime.version().toString(), curve);
    }
}
