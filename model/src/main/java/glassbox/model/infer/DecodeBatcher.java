package glassbox.model.infer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;

import com.github.tjake.jlama.tensor.KvBufferCache;

/**
 * Continuous batching of decode steps. Each generation keeps running on its own thread (its
 * sampler, seed, constraint, stop strings, output and trace stay there) and hands its next token
 * to {@link #decode}; one decode thread runs a single batched forward
 * ({@link FastDecoder#forward(int[], int[], KvBufferCache.KvBuffer[])}) over every row waiting at
 * that moment and hands each row its logits. A generation {@link #join joins} after its prefill,
 * so it is in the next step, and leaves (closes its {@link Lane}) when it is done (stop, length,
 * cancel, error); the batch changes from one step to the next.
 *
 * <p>Gathering: the decode thread starts a step once every member has handed in its row, or
 * {@link #GATHER_NANOS} after the first row came, whichever is first, so rows that arrive a moment
 * apart (each thread samples at its own pace) share a step, and a member that is slow to come back
 * (a blocked client) delays the others by at most that much per step.
 *
 * <p>Each step holds the engine's model lock, so jlama's prefills, which take the same (fair) lock,
 * run between steps. A row's logits are the same bits in any batch (see {@link FastDecoder}), so a
 * generation gives the same tokens whoever decodes beside it.
 */
final class DecodeBatcher implements AutoCloseable {
    /** Longest wait for the other members once one row is waiting. */
    static final long GATHER_NANOS = 2_000_000;

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
    private final Lock modelLock;
    private final Thread thread;
    private final List<Row> waiting = new ArrayList<>();   // guarded by this
    private long firstWaitingSince;                         // guarded by this
    private int members;                                    // guarded by this
    private boolean closed;                                 // guarded by this

    DecodeBatcher(FastDecoder decoder, Lock modelLock) {
        this.decoder = decoder;
        this.modelLock = modelLock;
        this.thread = new Thread(this::loop, "glassbox-decode-batcher");
        thread.setDaemon(true);
        thread.start();
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
     * Runs {@code token} at {@code position} on {@code kv} in the next step and returns its logits;
     * blocks until that step is done.
     *
     * @throws IllegalStateException when the step failed or the batcher was closed
     */
    private Step decode(int token, int position, KvBufferCache.KvBuffer kv) {
        Row row = new Row(token, position, kv);
        boolean interrupted = false;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the engine is closed");
            }
            if (waiting.isEmpty()) {
                firstWaitingSince = System.nanoTime();
            }
            waiting.add(row);
            notifyAll();
            while (!row.done()) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;   // the step is under way for this row's cache: wait for it, like a model lock
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (row.failure != null) {
            throw row.failure;
        }
        return row.result;
    }

    private void loop() {
        while (true) {
            List<Row> batch = nextBatch();
            if (batch == null) {
                return;
            }
            RuntimeException failure = null;
            float[][] logits = new float[batch.size()][decoder.vocab()];
            try {
                run(batch, logits);
            } catch (RuntimeException | Error e) {
                failure = new IllegalStateException("batched decode step failed", e);
            }
            synchronized (this) {
                for (int b = 0; b < batch.size(); b++) {
                    Row row = batch.get(b);
                    if (failure != null) {
                        row.failure = failure;
                    } else {
                        row.result = new Step(logits[b], batch.size());
                    }
                }
                notifyAll();
            }
        }
    }

    /** Waits until every member's row is in (or the gather time is up); null once closed. */
    private synchronized List<Row> nextBatch() {
        while (true) {
            if (closed) {
                return null;
            }
            if (!waiting.isEmpty()) {
                long left = firstWaitingSince + GATHER_NANOS - System.nanoTime();
                if (waiting.size() >= members || left <= 0) {
                    List<Row> batch = new ArrayList<>(waiting);
                    waiting.clear();
                    return batch;
                }
                waitNanos(left);
            } else {
                waitNanos(Long.MAX_VALUE);
            }
        }
    }

    private void waitNanos(long nanos) {
        try {
            if (nanos == Long.MAX_VALUE) {
                wait();
            } else {
                wait(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        } catch (InterruptedException e) {
            closed = true;
        }
    }

    /** One forward over all rows, under the model lock: B tokens at their positions on their caches → logits [B][vocab]. */
    private void run(List<Row> batch, float[][] logits) {
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
        modelLock.lock();
        try {
            decoder.logits(decoder.forward(tokens, positions, kvs), logits, n);
        } finally {
            modelLock.unlock();
        }
    }

    /** Stops the decode thread; rows still waiting fail. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            IllegalStateException closing = new IllegalStateException("the engine is closed");
            for (Row row : waiting) {
                row.failure = closing;
            }
            waiting.clear();
            notifyAll();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
