package glassbox.model.infer;

import java.util.concurrent.locks.LockSupport;

/**
 * Splits one loop of a decoding step between the calling thread and one helper thread, the
 * way llama2.c's {@code #pragma omp parallel for} splits its matmul rows and attention heads
 * over two threads. A step has ~30 such loops of a few microseconds each, too short for a
 * fork/join task each: the helper spins briefly for the next loop, then parks, and the caller
 * runs its own half instead of waiting.
 *
 * <p>One caller at a time (the engine serializes forward passes).
 */
final class SplitWork implements AutoCloseable {
    /** A loop body over [from, to). */
    interface Range {
        void run(int from, int to);
    }

    private static final int SPIN_BEFORE_PARK = 20_000;   // onSpinWait rounds: tens of microseconds

    private final Thread helper;
    private volatile Range task;
    private volatile int from;
    private volatile int to;
    private volatile long posted;      // sequence number of the last loop handed over
    private volatile long done;        // sequence number of the last loop the helper finished
    private volatile boolean parked;
    private volatile boolean closed;
    private volatile Throwable failure;

    /** With {@code threads} ≤ 1 every loop runs on the caller. */
    SplitWork(int threads) {
        if (threads > 1) {
            helper = new Thread(this::helperLoop, "glassbox-decode-helper");
            helper.setDaemon(true);
            helper.start();
        } else {
            helper = null;
        }
    }

    int threads() {
        return helper == null ? 1 : 2;
    }

    /**
     * Runs {@code body} over [0, n): the helper takes [split, n), the caller [0, split), with
     * split a multiple of {@code grain} near n/2. Below {@code 2·grain} the caller runs it all.
     */
    void run(int n, int grain, Range body) {
        if (helper == null || n < 2 * grain) {
            body.run(0, n);
            return;
        }
        int split = (n / 2 + grain - 1) / grain * grain;
        task = body;
        from = split;
        to = n;
        long seq = posted + 1;
        posted = seq;
        if (parked) {
            LockSupport.unpark(helper);
        }
        body.run(0, split);
        for (int spins = 0; done != seq; spins++) {
            if (spins < SPIN_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                Thread.yield();   // the helper was descheduled (a busy machine): give it the core
            }
        }
        Throwable f = failure;
        if (f != null) {
            failure = null;
            throw new IllegalStateException("decode helper failed", f);
        }
    }

    private void helperLoop() {
        long seen = 0;
        while (!closed) {
            for (int spins = 0; posted == seen && !closed; spins++) {
                if (spins < SPIN_BEFORE_PARK) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    if (posted == seen && !closed) {
                        LockSupport.park(this);
                    }
                    parked = false;
                }
            }
            if (closed) {
                return;
            }
            seen = posted;
            try {
                task.run(from, to);
            } catch (Throwable t) {
                failure = t;
            }
            done = seen;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (helper != null) {
            LockSupport.unpark(helper);
        }
    }
}
