package glassbox.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes {@code bench serving}'s figures into the model card (README.md) between two markers:
 * decode, HTTP streaming against the engine, aggregate throughput and time to first token by
 * client count, and the cost of traces on prefill.
 */
final class ServingRecord {
    static final ModelCardSection SECTION = new ModelCardSection(
            "<!-- bench-serving: written by ./scripts/bench serving --record -->", "<!-- /bench-serving -->");

    private ServingRecord() {
    }

    /** {@code lines}: the bench's JSON lines (decode, prefill with trace, http, http_throughput per client count). */
    static void record(Path modelDir, List<Map<String, Object>> lines, double load, int cores) throws IOException {
        Map<String, Object> decode = BenchLines.find(lines, "decode");
        Map<String, Object> prefill = BenchLines.find(lines, "prefill");
        Map<String, Object> http = BenchLines.find(lines, "http");
        List<Map<String, Object>> clients = lines.stream().filter(l -> "http_throughput".equals(l.get("bench"))).toList();
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("no \"http_throughput\" line");
        }
        Map<String, Object> one = clients.getFirst();
        Map<String, Object> most = clients.getLast();
        double scaling = number(most, "tokens_per_s") / number(one, "tokens_per_s");
        StringBuilder t = new StringBuilder("### Measured by `./scripts/bench serving --record`\n| | measured |\n|---|---|\n");
        t.append(String.format(Locale.ROOT, "| decode, %s tokens, %s thread(s), sampling included | %s tokens/s |%n",
                decode.get("tokens"), decode.get("threads"), decode.get("tokens_per_s")));
        t.append(String.format(Locale.ROOT, "| one stream over HTTP (`/v1/chat/completions`) vs the engine alone, %s tokens | %s (%s vs %s tokens/s) |%n",
                http.get("tokens"), http.get("http_vs_engine"), http.get("http_tokens_per_s"), http.get("engine_tokens_per_s")));
        for (Map<String, Object> c : clients) {
            t.append(String.format(Locale.ROOT, "| %s client(s) at once, streamed: aggregate tokens/s · time to first token p50 / p99 | %s · %s / %s ms |%n",
                    c.get("clients"), c.get("tokens_per_s"), c.get("ttft_p50_ms"), c.get("ttft_p99_ms")));
        }
        t.append(String.format(Locale.ROOT, "| aggregate tokens/s, %s clients vs 1 | %.2f× |%n", most.get("clients"), scaling));
        t.append(String.format(Locale.ROOT, "| prefill of %s tokens without / with attention and logit-lens traces | %s / %s tokens/s (%s× slower) |%n",
                prefill.get("prompt_tokens"), prefill.get("tokens_per_s"), prefill.get("traced_tokens_per_s"), prefill.get("trace_slowdown")));
        t.append(String.format(Locale.ROOT, "%nLoad average %.1f on %d cores while measuring (a busy machine lowers every figure).", load, cores));
        SECTION.write(modelDir, t.toString());
    }

    private static double number(Map<String, Object> line, String key) {
        return ((Number) Objects.requireNonNull(line.get(key), key)).doubleValue();
    }
}
