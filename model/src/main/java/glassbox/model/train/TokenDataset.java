package glassbox.model.train;

import java.util.SplittableRandom;

/**
 * Training and validation token streams (documents concatenated, split by document) and the
 * batches drawn from them. The batch for step {@code s} depends only on the seed and {@code s},
 * so a resumed run sees exactly the batches an uninterrupted one would.
 */
public final class TokenDataset {
    /** {@code inputs[b·T + t]} predicts {@code targets[b·T + t]} (the next token). */
    public record Batch(int[] inputs, int[] targets) {
    }

    private final int[] train;
    private final int[] validation;

    public TokenDataset(int[] train, int[] validation, int seqLen) {
        if (train.length < seqLen + 1) {
            throw new IllegalArgumentException("the training text has " + train.length
                    + " tokens, fewer than one sequence of " + (seqLen + 1) + "; use a shorter seq_len or more text");
        }
        if (validation.length < seqLen + 1) {
            throw new IllegalArgumentException("the validation text has " + validation.length
                    + " tokens, fewer than one sequence of " + (seqLen + 1) + "; use a shorter seq_len or a larger validation_fraction");
        }
        this.train = train;
        this.validation = validation;
    }

    public int trainTokens() {
        return train.length;
    }

    public int validationTokens() {
        return validation.length;
    }

    public Batch trainBatch(long seed, int step, int batch, int seq) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        int[] starts = new int[batch];
        for (int b = 0; b < batch; b++) {
            starts[b] = random.nextInt(train.length - seq);
        }
        return windows(train, starts, seq);
    }

    /** The i-th fixed validation batch: consecutive windows, wrapping around the stream. */
    public Batch validationBatch(int i, int batch, int seq) {
        int windows = Math.max(1, (validation.length - 1) / seq);
        int[] starts = new int[batch];
        for (int b = 0; b < batch; b++) {
            starts[b] = ((i * batch + b) % windows) * seq;
        }
        return windows(validation, starts, seq);
    }

    /** How many distinct validation batches the stream holds (at least one). */
    public int validationBatchCount(int batch, int seq) {
        return Math.max(1, (validation.length - 1) / seq / batch);
    }

    private static Batch windows(int[] stream, int[] starts, int seq) {
        int[] in = new int[starts.length * seq];
        int[] out = new int[starts.length * seq];
        for (int b = 0; b < starts.length; b++) {
            System.arraycopy(stream, starts[b], in, b * seq, seq);
            System.arraycopy(stream, starts[b] + 1, out, b * seq, seq);
        }
        return new Batch(in, out);
    }
}
