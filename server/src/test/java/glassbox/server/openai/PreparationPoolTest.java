package glassbox.server.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import glassbox.server.ApiError;

/** Preparation is bounded: a full queue or a passed deadline is a 429 with Retry-After, and late work is interrupted. */
class PreparationPoolTest {

    @Test
    void resultsAndClientErrorsPassThrough() throws Exception {
        try (PreparationPool pool = new PreparationPool(1, 1, Duration.ofSeconds(5))) {
            assertThat(pool.run(() -> 42)).isEqualTo(42);
            assertThatThrownBy(() -> pool.run(() -> {
                throw ApiError.invalid("bad", "prompt");
            })).isInstanceOf(ApiError.class).satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(400));
        }
    }

    @Test
    void workPastTheDeadlineIsA429AndIsInterrupted() throws Exception {
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        try (PreparationPool pool = new PreparationPool(1, 1, Duration.ofMillis(100))) {
            assertThatThrownBy(() -> pool.run(() -> {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    interrupted.set(true);
                } finally {
                    stopped.countDown();
                }
                return null;
            })).isInstanceOf(ApiError.class).satisfies(e -> {
                assertThat(((ApiError) e).status()).isEqualTo(429);
                assertThat(((ApiError) e).retryAfterSeconds()).isPositive();
            });
            stopped.await();
            assertThat(interrupted).isTrue();
        }
    }

    @Test
    void aFullQueueIsA429() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (PreparationPool pool = new PreparationPool(1, 1, Duration.ofSeconds(30))) {
            Thread running = Thread.ofPlatform().start(() -> run(pool, release));
            Thread queued = Thread.ofPlatform().start(() -> run(pool, release));
            // One task runs, one waits in the queue: a third finds no room.
            while (!(running.isAlive() && queued.isAlive() && pool.queued() == 1)) {
                Thread.onSpinWait();
            }
            assertThatThrownBy(() -> pool.run(() -> 1)).isInstanceOf(ApiError.class)
                    .satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(429));
            release.countDown();
            running.join();
            queued.join();
        }
    }

    private static void run(PreparationPool pool, CountDownLatch release) {
        try {
            pool.run(() -> {
                release.await();
                return null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
