package glassbox.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code bench decode --anchor}'s figures into the model card (README.md) between two
 * markers, so the card's decode figures are what the bench measured, not typed by hand.
 */
final class DecodeRecord {
    static final String BEGIN = "<!-- bench-decode: written by ./scripts/bench decode --anchor RUN_BINARY --record -->";
    static final String END = "<!-- /bench-decode -->";

    private DecodeRecord() {
    }

    /** {@code lines}: the anchor bench's JSON lines (check, ours, llama2.c, ratio); {@code load}: the load average while measuring. */
    static void record(Path modelDir, List<Map<String, Object>> lines, double load, int cores) throws IOException {
        Map<String, Object> check = BenchLines.find(lines, "decode_llama2c_check");
        Map<String, Object> ours = BenchLines.find(lines, "decode");
        Map<String, Object> c = BenchLines.find(lines, "decode_llama2c");
        Map<String, Object> ratio = BenchLines.find(lines, "decode_vs_llama2c");
        String table = "### Decode against llama2.c (`./scripts/bench decode --anchor RUN_BINARY --record`)\n"
                + "| | tokens/s |\n|---|---|\n"
                + String.format(Locale.ROOT, "| Glassbox decode, %s tokens, %s thread(s), sampling included | %s |%n", ours.get("tokens"),
                        ours.get("threads"), ours.get("tokens_per_s"))
                + String.format(Locale.ROOT, "| llama2.c `run.c` on the same weights, %s OpenMP thread(s) | %s |%n", c.get("threads"),
                        c.get("tokens_per_s"))
                + String.format(Locale.ROOT, "| ratio, median of %s interleaved rounds (min–max) | %s (%s–%s) |%n", ours.get("rounds"),
                        ratio.get("ratio"), ratio.get("ratio_min"), ratio.get("ratio_max"))
                + String.format(Locale.ROOT, "| greedy tokens equal to run.c's, from its start token | %s of %s |%n", check.get("same_greedy_tokens"),
                        check.get("steps"))
                + String.format(Locale.ROOT, "%nMedians of tokens/s; load average %.1f on %d cores while measuring "
                        + "(figures from a busy machine are lower for both, and more so with more threads).%n", load, cores);
        new ModelCardSection(BEGIN, END).write(modelDir, table);
    }
}
