package glassbox.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serving figures land in the model card once, between their markers, computed from the bench's lines. */
class ServingRecordTest {
    @TempDir
    Path dir;

    static List<Map<String, Object>> lines(double oneClient, double sixteenClients, double p99) {
        return List.of(Map.of("bench", "decode", "tokens", 500, "threads", 1, "tokens_per_s", 301.5),
                Map.of("bench", "prefill", "prompt_tokens", 256, "tokens_per_s", 2000.0, "traced_tokens_per_s", 1250.0, "trace_slowdown", 1.6),
                Map.of("bench", "http", "tokens", 200, "engine_tokens_per_s", 300.0, "http_tokens_per_s", 285.0, "http_vs_engine", 0.95),
                Map.of("bench", "http_throughput", "clients", 1, "tokens_per_s", oneClient, "ttft_p50_ms", 30.0, "ttft_p99_ms", 40.0),
                Map.of("bench", "http_throughput", "clients", 16, "tokens_per_s", sixteenClients, "ttft_p50_ms", 120.0, "ttft_p99_ms", p99));
    }

    @Test
    void writesOneSectionWithTheScalingAndReplacesItOnTheNextRecord() throws Exception {
        Files.writeString(dir.resolve("README.md"), "# card\n\nbefore\n");
        ServingRecord.record(dir, lines(100, 250, 999.0), 3.25, 2);
        ServingRecord.record(dir, lines(200, 900, 250.5), 1.5, 2);
        String card = Files.readString(dir.resolve("README.md"));
        assertThat(card).startsWith("# card\n\nbefore\n");
        assertThat(card.split(java.util.regex.Pattern.quote(ServingRecord.SECTION.begin()), -1)).hasSize(2);
        assertThat(card).contains("| 4.50× |", "900.0 · 120.0 / 250.5 ms", "0.95 (285.0 vs 300.0 tokens/s)", "(1.6× slower)",
                "Load average 1.5 on 2 cores").doesNotContain("999.0", "2.50×");
        assertThat(card.strip()).endsWith(ServingRecord.SECTION.end());
    }

    @Test
    void refusesLinesWithoutClientCounts() {
        List<Map<String, Object>> noClients = lines(1, 1, 1).subList(0, 3);
        assertThatThrownBy(() -> ServingRecord.record(dir, noClients, 0, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http_throughput");
    }
}
