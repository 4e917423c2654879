package glassbox.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final ModelConfig TOY = new ModelConfig(32, 32, 2, 4, 48, 16, 10_000f, 1e-5f);

    @Test
    void toyModelLossDropsOnAFixedBatch() {
        Weights w = new Weights(TOY);
        w.initialize(42);
        SplittableRandom random = new SplittableRandom(1);
        int[] in = random.ints(4 * 16, 0, 32).toArray();
        int[] out = random.ints(4 * 16, 0, 32).toArray();
        float[] grad = new float[w.size()];
        try (Parallel par = new Parallel(2)) {
            Transformer model = new Transformer(w, 4, 16, par);
            AdamW adam = new AdamW(w, 0.9f, 0.95f, 1e-8f, 0f);
            float first = 0, last = 0;
            for (int step = 0; step < 60; step++) {
                java.util.Arrays.fill(grad, 0f);
                model.forward(in);
                float loss = model.crossEntropy(out);
                if (step == 0) {
                    first = loss;
                }
                last = loss;
                model.backward(grad);
                adam.step(grad, 1e-2f, par);
            }
            // A fresh model predicts ~uniformly: loss ≈ ln(vocab). Memorising one batch drives it far down.
            assertThat(first).isCloseTo((float) Math.log(32), org.assertj.core.data.Offset.offset(0.1f));
            assertThat(last).isLessThan(first * 0.5f);
        }
    }

    @Test
    void sameSeedGivesBitIdenticalRunsAndResumeContinuesExactly(@TempDir Path dir) throws Exception {
        TrainingConfig config = new TrainingConfig(32, 32, 2, 4, 48, 16, 10_000f,
                2, 16, 12, 3e-3f, 3e-4f, 2, 0.1f, 1f, 4, 2, 100, 0.1f, 2, 99L);
        SplittableRandom random = new SplittableRandom(3);
        TokenDataset data = new TokenDataset(random.ints(500, 0, 32).toArray(), random.ints(100, 0, 32).toArray(), 16);

        TrainingResult a = new Trainer(config, data, null, TrainingListener.NONE).run(null, new AtomicBoolean());
        TrainingResult b = new Trainer(config, data, null, TrainingListener.NONE).run(null, new AtomicBoolean());
        assertThat(b.bestWeights().data).isEqualTo(a.bestWeights().data);
        assertThat(deterministic(b)).isEqualTo(deterministic(a));

        // Stop after 6 steps (a checkpoint is written at the step-4 evaluation and on stop), then resume.
        Path ckpt = dir.resolve("run.ckpt");
        AtomicBoolean stop = new AtomicBoolean();
        TrainingListener stopAt6 = (p, max, s) -> stop.set(p.step() == 6);
        TrainingResult first = new Trainer(config, data, ckpt, stopAt6).run(null, stop);
        assertThat(first.interrupted()).isTrue();
        assertThat(first.stepsDone()).isEqualTo(6);
        TrainingResult resumed = new Trainer(config, data, ckpt, TrainingListener.NONE).run(Checkpoint.load(ckpt), new AtomicBoolean());
        assertThat(resumed.bestWeights().data).isEqualTo(a.bestWeights().data);
        assertThat(deterministic(resumed)).isEqualTo(deterministic(a));
    }

    /** The curve without its timing column, which differs from run to run. */
    private static java.util.List<String> deterministic(TrainingResult r) {
        return r.curve().stream().map(p -> p.step() + " " + p.trainLoss() + " " + p.valLoss() + " " + p.lr()
                + " " + p.gradNorm() + " " + p.tokensSeen()).toList();
    }

    @Test
    void scheduleWarmsUpThenDecaysToTheMinimum() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3f, 1e-4f, 10, 110);
        assertThat(s.at(0)).isCloseTo(1e-4f, org.assertj.core.data.Offset.offset(1e-9f));
        assertThat(s.at(9)).isCloseTo(1e-3f, org.assertj.core.data.Offset.offset(1e-9f));
        assertThat(s.at(60)).isCloseTo(5.5e-4f, org.assertj.core.data.Offset.offset(1e-6f)); // halfway: (max+min)/2
        assertThat(s.at(110)).isEqualTo(1e-4f);
    }
}
