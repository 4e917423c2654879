package glassbox.server.lab;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The last traces in memory, least recently used dropped first, so the inspector can open an
 * answer after it was streamed. A trace is whatever JSON-ready object the API built. The store is
 * bounded by the bytes its traces hold (estimated), not by their count: one traced request with
 * attention over many tokens can hold a hundred megabytes. The newest trace is always kept.
 * Ids name the replica that made them, {@code trace-<replica>-<20 hex digits>}, so a load balancer
 * can route {@code /api/traces/{id}} back to the one process that holds the trace.
 */
public final class TraceStore {
    public static final long DEFAULT_BUDGET_BYTES = 256L << 20;

    private record Entry(Object trace, long bytes) {
    }

    private final long budgetBytes;
    private final String replicaId;
    private final Map<String, Entry> traces = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    /** @param replicaId this server's name among replicas, {@code [a-z0-9]+} (see {@code ReplicaId}) */
    public TraceStore(long budgetBytes, String replicaId) {
        if (!replicaId.matches("[a-z0-9]+")) {
            throw new IllegalArgumentException("a replica id is [a-z0-9]+, got '" + replicaId + "'");
        }
        this.budgetBytes = budgetBytes;
        this.replicaId = replicaId;
    }

    /** A new trace id, {@code trace-<replica>-<20 hex digits>}. */
    public String newId() {
        return "trace-" + replicaId + "-" + randomHex();
    }

    /** 20 random hex digits (80 bits), the unique part of trace and completion ids. */
    public static String randomHex() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    public String replicaId() {
        return replicaId;
    }

    public void put(String id, Object trace) {
        long size = ObjectSize.of(trace);   // measured outside the lock
        synchronized (this) {
            Entry old = traces.put(id, new Entry(trace, size));
            bytes += size - (old == null ? 0 : old.bytes());
            Iterator<Map.Entry<String, Entry>> eldest = traces.entrySet().iterator();
            while (bytes > budgetBytes && traces.size() > 1) {
                Map.Entry<String, Entry> e = eldest.next();
                if (e.getKey().equals(id)) {
                    continue;
                }
                bytes -= e.getValue().bytes();
                eldest.remove();
            }
        }
    }

    public synchronized Optional<Object> get(String id) {
        Entry e = traces.get(id);
        return e == null ? Optional.empty() : Optional.of(e.trace());
    }

    public synchronized int size() {
        return traces.size();
    }

    /** The estimated bytes the kept traces hold. */
    public synchronized long bytes() {
        return bytes;
    }

    public long budgetBytes() {
        return budgetBytes;
    }
}
