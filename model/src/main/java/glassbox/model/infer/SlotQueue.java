package glassbox.model.infer;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The engine's generation slots and the bounded queue in front of them: a request takes a slot
 * at once, or waits its turn (first come, first served) while fewer than {@code queueSize} wait,
 * at most {@code timeout}, and leaves the queue early when its client goes away.
 */
final class SlotQueue {
    /** How often a waiting request checks whether its client is still there. */
    static final long ABANDON_CHECK_MILLIS = 100;
    private final Semaphore slots;
    private final int queueSize;
    private final Duration timeout;
    private final AtomicInteger queued = new AtomicInteger();

    SlotQueue(int slots, int queueSize, Duration timeout) {
        this.slots = new Semaphore(slots, true);
        this.queueSize = queueSize;
        this.timeout = timeout;
    }

    /**
     * Waits for a slot; false if interrupted or abandoned (checked every
     * {@link #ABANDON_CHECK_MILLIS} ms).
     *
     * @throws EngineBusyException when the queue is full or the wait timed out
     */
    boolean acquire(BooleanSupplier abandoned) {
        if (slots.tryAcquire()) {
            return true;
        }
        if (queued.incrementAndGet() > queueSize) {
            int waiting = queued.decrementAndGet();
            throw new EngineBusyException(waiting, 1);
        }
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw EngineBusyException.waitedTooLong(timeout, 1);
                }
                if (slots.tryAcquire(Math.min(left, ABANDON_CHECK_MILLIS * 1_000_000L), TimeUnit.NANOSECONDS)) {
                    return true;
                }
                if (abandoned.getAsBoolean()) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            queued.decrementAndGet();
        }
    }

    void release() {
        slots.release();
    }

    /** Requests waiting for a slot now. */
    int queued() {
        return queued.get();
    }
}
