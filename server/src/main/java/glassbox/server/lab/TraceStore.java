package glassbox.server.lab;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The last traces in memory, least recently used dropped first, so the inspector can open an
 * answer after it was streamed. A trace is whatever JSON-ready object the API built.
 */
public final class TraceStore {
    public static final int DEFAULT_CAPACITY = 64;
    private final int capacity;
    private final Map<String, Object> traces;

    public TraceStore(int capacity) {
        this.capacity = capacity;
        this.traces = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                return size() > TraceStore.this.capacity;
            }
        };
    }

    public static String newId() {
        return "trace-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    public synchronized void put(String id, Object trace) {
        traces.put(id, trace);
    }

    public synchronized Optional<Object> get(String id) {
        return Optional.ofNullable(traces.get(id));
    }

    public synchronized int size() {
        return traces.size();
    }
}
