package glassbox.model.train;

import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * Training and validation token streams (documents concatenated, split by document) and the
 * batches drawn from them. The batch for step {@code s} depends only on the seed and {@code s},
 * so a resumed run sees exactly the batches an uninterrupted one would.
 *
 * <p>A {@link Stream} says which tokens are trained on ({@code target[i]}: predicting token i is
 * part of the loss; a chat example's prompt is not, its answer is) and where windows may start
 * (a chat example's first token, so it is seen whole; anywhere in plain text).
 */
public final class TokenDataset {
    /** {@code inputs[b·T + t]} predicts {@code targets[b·T + t]} (the next token, or {@link Transformer#IGNORED}). */
    public record Batch(int[] inputs, int[] targets) {
    }

    /** Tokens, which of them are targets (set bits), and the offsets a window may start at (ascending). */
    public record Stream(int[] tokens, BitSet target, int[] starts) {
        /** Plain text: every token is a target, a window may start anywhere. */
        public static Stream plain(int[] tokens) {
            BitSet all = new BitSet(tokens.length);
            all.set(0, tokens.length);
            return new Stream(tokens, all, java.util.stream.IntStream.range(0, tokens.length).toArray());
        }

        int[] usableStarts(int seq) {
            return java.util.Arrays.stream(starts).filter(s -> s + seq + 1 <= tokens.length).toArray();
        }
    }

    private final Stream train;
    private final Stream validation;
    private final int[] trainStarts;
    private final int[] validationStarts;

    public TokenDataset(int[] train, int[] validation, int seqLen) {
        this(Stream.plain(train), Stream.plain(validation), seqLen);
    }

    public TokenDataset(Stream train, Stream validation, int seqLen) {
        if (train.tokens().length < seqLen + 1) {
            throw new IllegalArgumentException("the training text has " + train.tokens().length
                    + " tokens, fewer than one sequence of " + (seqLen + 1) + "; use a shorter seq_len or more text");
        }
        if (validation.tokens().length < seqLen + 1) {
            throw new IllegalArgumentException("the validation text has " + validation.tokens().length
                    + " tokens, fewer than one sequence of " + (seqLen + 1) + "; use a shorter seq_len or a larger validation_fraction");
        }
        this.train = train;
        this.validation = validation;
        this.trainStarts = orFirst(train.usableStarts(seqLen));
        int[] v = validation.usableStarts(seqLen);
        // Validation: non-overlapping windows from the allowed starts, in order.
        int[] spaced = new int[v.length];
        int n = 0;
        for (int s : v) {
            if (n == 0 || s >= spaced[n - 1] + seqLen) {
                spaced[n++] = s;
            }
        }
        this.validationStarts = orFirst(java.util.Arrays.copyOf(spaced, n));
    }

    private static int[] orFirst(int[] starts) {
        return starts.length == 0 ? new int[] {0} : starts;
    }

    public int trainTokens() {
        return train.tokens().length;
    }

    public int validationTokens() {
        return validation.tokens().length;
    }

    public Batch trainBatch(long seed, int step, int batch, int seq) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        int[] starts = new int[batch];
        for (int b = 0; b < batch; b++) {
            starts[b] = trainStarts[random.nextInt(trainStarts.length)];
        }
        return windows(train, starts, seq);
    }

    /** The i-th fixed validation batch: consecutive windows, wrapping around the stream. */
    public Batch validationBatch(int i, int batch, int seq) {
        int[] starts = new int[batch];
        for (int b = 0; b < batch; b++) {
            starts[b] = validationStarts[(i * batch + b) % validationStarts.length];
        }
        return windows(validation, starts, seq);
    }

    /** How many distinct validation batches the stream holds (at least one). */
    public int validationBatchCount(int batch, int seq) {
        return Math.max(1, validationStarts.length / batch);
    }

    private static Batch windows(Stream stream, int[] starts, int seq) {
        int[] in = new int[starts.length * seq];
        int[] out = new int[starts.length * seq];
        for (int b = 0; b < starts.length; b++) {
            System.arraycopy(stream.tokens(), starts[b], in, b * seq, seq);
            for (int t = 0; t < seq; t++) {
                int next = starts[b] + t + 1;
                out[b * seq + t] = stream.target().get(next) ? stream.tokens()[next] : Transformer.IGNORED;
            }
        }
        return new Batch(in, out);
    }
}
