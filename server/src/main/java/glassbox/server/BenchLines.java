package glassbox.server;

import java.util.List;
import java.util.Map;

/** The JSON lines a bench prints, as the model-card records read them back. */
final class BenchLines {
    private BenchLines() {
    }

    /** The first line whose {@code "bench"} is {@code bench}. */
    static Map<String, Object> find(List<Map<String, Object>> lines, String bench) {
        return lines.stream().filter(l -> bench.equals(l.get("bench"))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no \"" + bench + "\" line"));
    }
}
