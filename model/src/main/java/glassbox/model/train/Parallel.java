package glassbox.model.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Splits a loop over {@code [0, n)} into one contiguous chunk per thread. Every chunk writes
 * only its own outputs and the split depends only on {@code n} and the thread count, so results
 * are bit-identical from run to run (no reductions race across threads).
 */
public final class Parallel implements AutoCloseable {
    /** The loop body for one chunk {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    private final int threads;
    private final ExecutorService pool;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "glassbox-train");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    public void forRange(int n, Range body) {
        int chunks = Math.min(threads, n);
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            futures.add(pool.submit(() -> body.run(from, to)));
        }
        body.run(0, (int) ((long) n / chunks));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
