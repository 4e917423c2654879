package glassbox.model.infer;

import java.time.Duration;

/**
 * How the engine runs: jlama threads (0 = automatic), generation slots (generations that run at
 * once; they decode together, one batched forward per step), the bounded wait queue behind them and how long a request may wait
 * in it (then it is refused as busy, never left blocking), and the memory budget for kept KV-cache
 * sessions (least recently used ones are evicted past it).
 */
public record EngineOptions(int threads, int slots, int queueSize, long kvBudgetBytes, Duration queueTimeout) {
    public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(30);
    /** A classroom's worth of generations decoding together (continuous batching); more wait in the queue. */
    public static final int DEFAULT_SLOTS = 16;

    public static EngineOptions defaults() {
        return new EngineOptions(0, DEFAULT_SLOTS, 16, 256L << 20);
    }

    public EngineOptions {
        if (threads < 0 || slots < 1 || queueSize < 0 || kvBudgetBytes < 0 || queueTimeout == null || queueTimeout.isNegative()) {
            throw new IllegalArgumentException("threads >= 0, slots >= 1, queue >= 0, kv budget >= 0 and a queue timeout >= 0 are required");
        }
    }

    /** With the default queue timeout. */
    public EngineOptions(int threads, int slots, int queueSize, long kvBudgetBytes) {
        this(threads, slots, queueSize, kvBudgetBytes, DEFAULT_QUEUE_TIMEOUT);
    }
}
