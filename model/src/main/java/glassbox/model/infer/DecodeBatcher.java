package glassbox.model.infer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import com.github.tjake.jlama.tensor.KvBufferCache;

/**
 * Continuous batching of decode steps. Each generation keeps running on its own thread (its
 * sampler, seed, constraint, stop strings, output and trace stay there) and hands its next token
 * to {@link Lane#decode}; one batched forward
 * ({@link FastDecoder#forward(int[], int[], KvBufferCache.KvBuffer[])}) runs every row waiting at
 * that moment and hands each row its logits. A generation {@link #join joins} after its prefill,
 * so it is in the next step, and leaves (closes its {@link Lane}) when it is done (stop, length,
 * cancel, error); the batch changes from one step to the next.
 *
 * <p>Leader and followers, no thread of its own: the row whose arrival completes the batch (every
 * member has handed in its row), or the first waiting row to see {@link #GATHER_NANOS} pass since
 * the first row came (or the last step ended), runs the step on its own thread, then wakes the
 * others with their logits. So rows that arrive a moment apart (each thread samples at its own
 * pace) share a step, a member that is slow to come back (a blocked client) delays the others by
 * at most that much per step, and a generation alone hands nothing to another thread. One step
 * runs at a time; rows that come during a step wait for the next.
 *
 * <p>Each step holds the engine's model lock; prefills, which take the same (fair) lock, run
 * between steps and go before a step when they are waiting for it. A row's logits are the same
 * bits in any batch (see {@link FastDecoder}), so a generation gives the same tokens whoever
 * decodes beside it.
 */
final class DecodeBatcher {
    /** Longest wait for the other members once a row is waiting (or a step ended): a few samplings' worth. */
    static final long GATHER_NANOS = 5_000_000;

    /** What a row gets back: its logits [vocab] and how many rows its step ran. */
    record Step(float[] logits, int batchSize) {
    }

    /** A generation's place in the batch: its decode steps, until it is closed. */
    interface Lane extends AutoCloseable {
        /** Runs {@code token} at {@code position} on {@code kv}; returns its logits and the batch it ran in. */
        Step decode(int token, int position, KvBufferCache.KvBuffer kv);

        @Override
        void close();
    }

    /** One row of a step: a token at a position on a generation's own cache; the step fills in the rest. */
    private static final class Row {
        final int token;
        final int position;
        final KvBufferCache.KvBuffer kv;
        Step result;
        RuntimeException failure;

        Row(int token, int position, KvBufferCache.KvBuffer kv) {
            this.token = token;
            this.position = position;
            this.kv = kv;
        }

        boolean done() {
            return result != null || failure != null;
        }
    }

    private final FastDecoder decoder;
    private final ReentrantLock modelLock;
    private final List<Row> waiting = new ArrayList<>();   // guarded by this
    private long gatherSince;                               // guarded by this: when the wait for the next step's rows began
    private int members;                                    // guarded by this
    private boolean stepRunning;                            // guarded by this

    /** @param modelLock the engine's lock around every forward pass; fair, so that {@link #run} can let waiting prefills go first */
    DecodeBatcher(FastDecoder decoder, ReentrantLock modelLock) {
        this.decoder = decoder;
        this.modelLock = modelLock;
    }

    /** A generation enters the batch: its rows are waited for from the next step on, until it closes the lane. */
    Lane join() {
        synchronized (this) {
            members++;
        }
        return new Lane() {
            private boolean left;

            @Override
            public Step decode(int token, int position, KvBufferCache.KvBuffer kv) {
                return DecodeBatcher.this.decode(token, position, kv);
            }

            @Override
            public void close() {
                if (!left) {
                    left = true;
                    leave();
                }
            }
        };
    }

    /** A generation is done: steps no longer wait for it. */
    private synchronized void leave() {
        members--;
        notifyAll();
    }

    /**
     * Runs {@code token} at {@code position} on {@code kv} in the next step, led by this thread or
     * another, and returns its logits once that step is done.
     *
     * @throws IllegalStateException when the step failed
     */
    private Step decode(int token, int position, KvBufferCache.KvBuffer kv) {
        Row row = new Row(token, position, kv);
        List<Row> batch = gather(row);
        if (batch != null) {
            run(batch);
        }
        if (row.failure != null) {
            throw row.failure;
        }
        return row.result;
    }

    /**
     * Puts {@code row} in the waiting rows and waits until either another thread's step has done
     * it (returns null) or this thread is to lead the next step (returns its rows, this one among them).
     */
    private synchronized List<Row> gather(Row row) {
        if (waiting.isEmpty()) {
            gatherFromNow();
        }
        waiting.add(row);
        notifyAll();
        boolean interrupted = false;
        try {
            while (true) {
                if (row.done()) {
                    return null;
                }
                long left = gatherSince + GATHER_NANOS - System.nanoTime();
                if (!stepRunning && (waiting.size() >= members || left <= 0)) {
                    stepRunning = true;
                    List<Row> batch = new ArrayList<>(waiting);
                    waiting.clear();
                    return batch;
                }
                try {
                    if (stepRunning) {
                        wait();
                    } else {
                        wait(left / 1_000_000, (int) (left % 1_000_000));
                    }
                } catch (InterruptedException e) {
                    interrupted = true;   // this row's cache is in a step or about to be: finish it, like a model lock
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void gatherFromNow() {
        gatherSince = System.nanoTime();
    }

    /** One forward over all rows under the model lock, then each row gets its logits (or the failure) and the followers wake. */
    private void run(List<Row> batch) {
        int n = batch.size();
        int[] tokens = new int[n];
        int[] positions = new int[n];
        KvBufferCache.KvBuffer[] kvs = new KvBufferCache.KvBuffer[n];
        for (int b = 0; b < n; b++) {
            Row row = batch.get(b);
            tokens[b] = row.token;
            positions[b] = row.position;
            kvs[b] = row.kv;
        }
        float[][] logits = new float[n][decoder.vocab()];
        RuntimeException failure = null;
        modelLock.lock();
        // Prefills (and traced single steps) waiting for the model go first: a new request's first
        // token is worth more than one more token of those already running. The lock is fair, so
        // unlocking and locking again puts this step behind every thread that waits now.
        while (modelLock.hasQueuedThreads()) {
            modelLock.unlock();
            modelLock.lock();
        }
        try {
            decoder.logits(decoder.forward(tokens, positions, kvs), logits, n);
        } catch (RuntimeException | Error e) {
            failure = new IllegalStateException("batched decode step failed", e);
        } finally {
            modelLock.unlock();
        }
        synchronized (this) {
            for (int b = 0; b < n; b++) {
                if (failure != null) {
                    batch.get(b).failure = failure;
                } else {
                    batch.get(b).result = new Step(logits[b], n);
                }
            }
            stepRunning = false;
            gatherFromNow();   // the rows of this step get their gather time to come back
            notifyAll();
        }
    }
}
