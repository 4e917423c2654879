package glassbox.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decode figures land in the model card once, between their markers, and a new record replaces the old one. */
class DecodeRecordTest {
    @TempDir
    Path dir;

    static List<Map<String, Object>> lines(double ours, double theirs) {
        return List.of(Map.of("bench", "decode_llama2c_check", "steps", 48, "same_greedy_tokens", 47),
                Map.of("bench", "decode", "tokens", 500, "threads", 1, "rounds", 5, "tokens_per_s", ours),
                Map.of("bench", "decode_llama2c", "tokens", 500, "threads", 2, "rounds", 5, "tokens_per_s", theirs),
                Map.of("bench", "decode_vs_llama2c", "ratio", 0.5, "ratio_min", 0.4, "ratio_max", 0.6));
    }

    @Test
    void writesOneBlockAndReplacesItOnTheNextRecord() throws Exception {
        Files.writeString(dir.resolve("README.md"), "# card\n\nbefore\n");
        DecodeRecord.record(dir, lines(123.4, 456.7), 3.25, 2);
        DecodeRecord.record(dir, lines(321.0, 654.0), 0.5, 2);
        String card = Files.readString(dir.resolve("README.md"));
        assertThat(card).startsWith("# card\n\nbefore\n");
        assertThat(card.split(java.util.regex.Pattern.quote(DecodeRecord.BEGIN), -1)).hasSize(2);
        assertThat(card).contains("| 321.0 |", "| 654.0 |", "0.5 (0.4–0.6)", "47 of 48", "load average 0.5 on 2 cores")
                .doesNotContain("123.4", "456.7");
        assertThat(card.strip()).endsWith(DecodeRecord.END);
    }
}
