package glassbox.model.infer;

/**
 * How the engine runs: jlama threads (0 = automatic), generation slots (generations that advance
 * at once, token by token), the bounded wait queue behind them, and the memory budget for kept
 * KV-cache sessions (least recently used ones are evicted past it).
 */
public record EngineOptions(int threads, int slots, int queueSize, long kvBudgetBytes) {
    public static EngineOptions defaults() {
        return new EngineOptions(0, 1, 16, 256L << 20);
    }

    public EngineOptions {
        if (threads < 0 || slots < 1 || queueSize < 0 || kvBudgetBytes < 0) {
            throw new IllegalArgumentException("threads >= 0, slots >= 1, queue >= 0 and kv budget >= 0 are required");
        }
    }
}
