package glassbox.server.ops;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import glassbox.model.infer.EngineStats;

/** Counters for {@code GET /metrics} in the Prometheus text format. */
public final class Metrics {
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private volatile double lastTokensPerSecond;

    public void request(String route, int status) {
        requests.computeIfAbsent(route + "\u0000" + status, k -> new AtomicLong()).incrementAndGet();
    }

    public void generation(int tokens, double decodeMillis) {
        if (tokens > 0 && decodeMillis > 0) {
            lastTokensPerSecond = tokens / (decodeMillis / 1000);
        }
    }

    public String render(EngineStats engine, int traces, long traceBytes) {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP glassbox_requests_total HTTP requests by route and status.\n");
        sb.append("# TYPE glassbox_requests_total counter\n");
        new TreeMap<>(requests).forEach((k, v) -> {
            String[] parts = k.split("\u0000");
            sb.append("glassbox_requests_total{route=\"").append(label(parts[0])).append("\",status=\"").append(parts[1]).append("\"} ")
                    .append(v.get()).append('\n');
        });
        gauge(sb, "glassbox_tokens_generated_total", "counter", "Tokens generated since start.", engine.tokensGenerated());
        gauge(sb, "glassbox_decode_tokens_per_second", "gauge", "Decode speed of the last generation.", lastTokensPerSecond);
        gauge(sb, "glassbox_queue_depth", "gauge", "Requests waiting for a generation slot.", engine.queued());
        gauge(sb, "glassbox_active_generations", "gauge", "Generations running now.", engine.activeGenerations());
        gauge(sb, "glassbox_kv_sessions", "gauge", "KV-cache sessions kept.", engine.sessions());
        gauge(sb, "glassbox_kv_bytes", "gauge", "KV-cache memory reserved by kept sessions.", engine.kvBytes());
        gauge(sb, "glassbox_kv_evictions_total", "counter", "Sessions evicted by the memory budget.", engine.evictions());
        gauge(sb, "glassbox_traces_stored", "gauge", "Traces held for the inspector.", traces);
        gauge(sb, "glassbox_traces_bytes", "gauge", "Estimated memory of the traces held (bounded by the store's budget).", traceBytes);
        Runtime rt = Runtime.getRuntime();
        gauge(sb, "glassbox_heap_used_bytes", "gauge", "Java heap in use (before any GC).", rt.totalMemory() - rt.freeMemory());
        gauge(sb, "glassbox_heap_max_bytes", "gauge", "Java heap limit.", rt.maxMemory());
        return sb.toString();
    }

    private static void gauge(StringBuilder sb, String name, String type, String help, double value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        sb.append(name).append(' ').append(value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value)).append('\n');
    }

    private static String label(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
