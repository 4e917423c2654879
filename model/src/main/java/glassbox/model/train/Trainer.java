package glassbox.model.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The training loop: batches → forward → cross-entropy → backward → clip → AdamW, with a
 * warm-up + cosine learning rate, periodic validation, early stopping when the validation loss
 * stops improving, and checkpoints so a run can be resumed or interrupted safely.
 */
public final class Trainer {
    private final TrainingConfig config;
    private final TokenDataset data;
    private final Path checkpointFile;
    private final TrainingListener listener;

    public Trainer(TrainingConfig config, TokenDataset data, Path checkpointFile, TrainingListener listener) {
        this.config = config;
        this.data = data;
        this.checkpointFile = checkpointFile;
        this.listener = listener;
    }

    /**
     * Trains from scratch (or from {@code resume}) until max_steps, early stopping, or
     * {@code stop} turning true; in the last case a checkpoint is saved first.
     */
    public TrainingResult run(Checkpoint resume, AtomicBoolean stop) throws IOException {
        ModelConfig mc = config.model();
        Weights weights = new Weights(mc);
        AdamW adam = new AdamW(weights, 0.9f, 0.95f, 1e-8f, config.weightDecay());
        List<CurvePoint> curve = new ArrayList<>();
        int startStep = 0;
        float bestVal = Float.POSITIVE_INFINITY;
        float[] best = null;
        int sinceBest = 0;
        long tokensSeen = 0;
        double secondsBefore = 0;
        if (resume != null) {
            if (resume.weights().length != weights.size()) {
                throw new IllegalArgumentException("checkpoint does not match the model shape of this config");
            }
            System.arraycopy(resume.weights(), 0, weights.data, 0, weights.size());
            System.arraycopy(resume.m(), 0, adam.m, 0, weights.size());
            System.arraycopy(resume.v(), 0, adam.v, 0, weights.size());
            adam.step = resume.adamStep();
            startStep = resume.nextStep();
            bestVal = resume.bestValLoss();
            best = resume.bestWeights().length == 0 ? null : resume.bestWeights();
            sinceBest = resume.evalsSinceBest();
            tokensSeen = resume.tokensSeen();
            secondsBefore = resume.secondsSoFar();
            curve.addAll(resume.curve());
        } else {
            weights.initialize(config.seed());
        }
        LearningRateSchedule schedule = new LearningRateSchedule(config.learningRate(), config.minLearningRate(),
                config.warmupSteps(), config.maxSteps());
        float[] grad = new float[weights.size()];
        int tokensPerStep = config.batchSize() * config.seqLen();
        long started = System.nanoTime();
        boolean stoppedEarly = false, interrupted = false;
        int step = startStep;
        try (Parallel par = new Parallel(config.threads())) {
            Transformer model = new Transformer(weights, config.batchSize(), config.seqLen(), par);
            for (; step < config.maxSteps(); step++) {
                if (stop.get()) {
                    interrupted = true;
                    break;
                }
                long t0 = System.nanoTime();
                TokenDataset.Batch batch = data.trainBatch(config.seed(), step, config.batchSize(), config.seqLen());
                Arrays.fill(grad, 0f);
                model.forward(batch.inputs());
                float loss = model.crossEntropy(batch.targets());
                model.backward(grad);
                float norm = GradientClipping.clip(grad, config.gradClip());
                float lr = schedule.at(step);
                adam.step(grad, lr, par);
                tokensSeen += tokensPerStep;
                float tps = (float) (tokensPerStep / ((System.nanoTime() - t0) / 1e9));

                Float val = null;
                boolean last = step + 1 == config.maxSteps();
                if ((step + 1) % config.evalEvery() == 0 || last) {
                    val = evaluate(model);
                    if (val < bestVal) {
                        bestVal = val;
                        best = weights.data.clone();
                        sinceBest = 0;
                    } else {
                        sinceBest++;
                    }
                }
                CurvePoint point = new CurvePoint(step + 1, loss, val, lr, norm, tokensSeen, tps);
                curve.add(point);
                listener.onStep(point, config.maxSteps(), secondsBefore + (System.nanoTime() - started) / 1e9);
                if (val != null) {
                    saveCheckpoint(step + 1, adam, weights, best, bestVal, sinceBest, tokensSeen,
                            secondsBefore + (System.nanoTime() - started) / 1e9, curve);
                    if (sinceBest >= config.patience()) {
                        stoppedEarly = true;
                        step++;
                        break;
                    }
                }
            }
            if (interrupted) {
                saveCheckpoint(step, adam, weights, best, bestVal, sinceBest, tokensSeen,
                        secondsBefore + (System.nanoTime() - started) / 1e9, curve);
            }
        }
        Weights result = new Weights(mc);
        System.arraycopy(best != null ? best : weights.data, 0, result.data, 0, result.size());
        return new TrainingResult(result, bestVal, step, tokensSeen,
                secondsBefore + (System.nanoTime() - started) / 1e9, stoppedEarly, interrupted, List.copyOf(curve));
    }

    private float evaluate(Transformer model) {
        int batches = Math.min(config.evalBatches(), data.validationBatchCount(config.batchSize(), config.seqLen()));
        double sum = 0;
        for (int i = 0; i < batches; i++) {
            TokenDataset.Batch b = data.validationBatch(i, config.batchSize(), config.seqLen());
            model.forward(b.inputs());
            sum += model.crossEntropy(b.targets());
        }
        return (float) (sum / batches);
    }

    private void saveCheckpoint(int nextStep, AdamW adam, Weights weights, float[] best, float bestVal, int sinceBest,
                                long tokensSeen, double seconds, List<CurvePoint> curve) throws IOException {
        if (checkpointFile == null) {
            return;
        }
        new Checkpoint(config, nextStep, adam.step, weights.data, adam.m, adam.v, best == null ? new float[0] : best,
                bestVal, sinceBest, tokensSeen, seconds, curve).save(checkpointFile);
    }
}
