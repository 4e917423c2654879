package glassbox.model.infer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import glassbox.model.export.ModelExporter;
import glassbox.model.export.TrainingReport;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.train.CurvePoint;
import glassbox.model.train.ModelConfig;
import glassbox.model.train.TrainingConfig;
import glassbox.model.train.Weights;

/** A tiny exported model for engine tests: random weights with a large embedding, so its predictions are sharp. */
final class TinyModel {
    static final List<String> TEXT = List.of(
            "The attention layer lets every token look back at the tokens before it.",
            "A neuron takes a weighted sum of its inputs and adds a bias.",
            "Sampling with temperature divides the logits before the softmax.");
    static final int CONTEXT = 64;

    final BpeTokenizer tokenizer;
    final Weights weights;

    private TinyModel(BpeTokenizer tokenizer, Weights weights) {
        this.tokenizer = tokenizer;
        this.weights = weights;
    }

    static TinyModel export(Path dir) throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            texts.addAll(TEXT);
        }
        BpeTokenizer tokenizer = BpeTokenizer.train(texts, 320, null);
        ModelConfig config = new ModelConfig(tokenizer.vocabSize(), 64, 2, 4, 176, CONTEXT, 10_000f, 1e-5f);
        Weights weights = new Weights(config);
        weights.initialize(11);
        for (int i = weights.embed.offset(); i < weights.embed.offset() + weights.embed.size(); i++) {
            weights.data[i] *= 30;
        }
        List<CurvePoint> curve = List.of(new CurvePoint(1, 5.0f, 5.1f, 1e-3f, 1.0f, 100, 1000f));
        TrainingReport report = new TrainingReport("engine-test", TrainingConfig.defaults(), 1, config.parameterCount(), 1, 100, 100, 10, 1,
                List.of("x"), 5.1f, 5.0f, false, 1.0, 1000.0, "hash", 0.1, Runtime.version().toString(), curve);
        ModelExporter.export(dir, weights, tokenizer, report);
        return new TinyModel(tokenizer, weights);
    }
}
