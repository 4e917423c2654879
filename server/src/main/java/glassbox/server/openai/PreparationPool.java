package glassbox.server.openai;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import glassbox.server.ApiError;

/**
 * Where a request's work before generation runs (tokenizing, the tutor's retrieval and prompt
 * building): a fixed number of threads, a bounded queue and a deadline, so a burst of requests
 * cannot occupy every request thread with CPU work before any slot is taken. Full queue or
 * deadline passed: 429 with Retry-After, and the work is cancelled.
 */
public final class PreparationPool implements AutoCloseable {
    static final int RETRY_AFTER_SECONDS = 1;
    /** The server's pool: one thread per core, 64 waiting, a 10 s deadline. */
    public static final int DEFAULT_QUEUE = 64;
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

    private final ThreadPoolExecutor executor;
    private final Duration deadline;

    public PreparationPool(int threads, int queue, Duration deadline) {
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                Thread.ofPlatform().name("prepare-", 0).daemon().factory());
        this.deadline = deadline;
    }

    /** Runs {@code work} in the pool and waits at most the deadline for it; its ApiErrors reach the caller as thrown. */
    public <T> T run(Callable<T> work) throws InterruptedException {
        Future<T> future;
        try {
            future = executor.submit(work);
        } catch (RejectedExecutionException e) {
            throw busy("Too many requests are being prepared right now; retry shortly.");
        }
        try {
            return future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw busy("Preparing the prompt took longer than " + deadline.toMillis() + " ms; retry shortly.");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }

    /** Tasks waiting for a thread. */
    int queued() {
        return executor.getQueue().size();
    }

    private static ApiError busy(String message) {
        return new ApiError(429, "rate_limit_error", message, null, "server_busy", RETRY_AFTER_SECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
