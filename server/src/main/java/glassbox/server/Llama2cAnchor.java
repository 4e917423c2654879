package glassbox.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import glassbox.model.export.Llama2cExport;

/**
 * A {@code run} binary the user built from karpathy/llama2.c, on our weights exported to its
 * checkpoint format: the C reference for decode speed. Nothing of llama2.c ships with Glassbox.
 */
final class Llama2cAnchor {
    /** One run: the generated ids (read back through the id tokenizer) and run.c's own "achieved tok/s". */
    record Run(int[] tokens, double tokensPerS) {
    }

    private static final Pattern ACHIEVED = Pattern.compile("achieved tok/s: ([0-9.]+)");

    private final Path binary;
    private final Path checkpoint;
    private final Path tokenizer;

    private Llama2cAnchor(Path binary, Path checkpoint, Path tokenizer) {
        this.binary = binary;
        this.checkpoint = checkpoint;
        this.tokenizer = tokenizer;
    }

    /** Exports {@code model} into {@code workDir} for {@code binary}. */
    static Llama2cAnchor export(Path binary, Path model, Path workDir) throws IOException {
        if (!Files.isExecutable(binary)) {
            throw new IOException("not an executable llama2.c run binary: " + binary);
        }
        Path checkpoint = workDir.resolve("model.bin");
        Path tokenizer = workDir.resolve("tokenizer.bin");
        Llama2cExport.export(model, checkpoint, tokenizer);
        return new Llama2cAnchor(binary, checkpoint, tokenizer);
    }

    /**
     * {@code steps} positions from run.c's fixed start token (id 1), sampling at
     * {@code temperature} (0 = argmax) with top-p {@code topP}, on {@code threads} OpenMP threads.
     */
    Run run(int steps, float temperature, float topP, long seed, int threads) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), checkpoint.toString(), "-z", tokenizer.toString(), "-n", String.valueOf(steps),
                "-t", String.format(Locale.ROOT, "%.3f", temperature), "-p", String.format(Locale.ROOT, "%.3f", topP), "-s", String.valueOf(seed));
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        Path err = Files.createTempFile("llama2c", ".err");
        try {
            pb.redirectError(err.toFile());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("llama2.c run failed (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + "): " + Files.readString(err));
            }
            Matcher m = ACHIEVED.matcher(Files.readString(err));
            if (!m.find()) {
                throw new IOException("llama2.c printed no \"achieved tok/s\": " + Files.readString(err));
            }
            List<Integer> ids = new ArrayList<>();
            for (String piece : out.trim().split("\\s+")) {
                if (!piece.isEmpty()) {
                    ids.add(Integer.parseInt(piece));
                }
            }
            return new Run(ids.stream().mapToInt(Integer::intValue).toArray(), Double.parseDouble(m.group(1)));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
