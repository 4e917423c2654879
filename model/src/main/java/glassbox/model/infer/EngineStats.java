package glassbox.model.infer;

/** Live counters for {@code /metrics}. */
public record EngineStats(int activeGenerations, int queued, int sessions, long kvBytes, long evictions,
                          long tokensGenerated, double decodeSeconds) {
}
