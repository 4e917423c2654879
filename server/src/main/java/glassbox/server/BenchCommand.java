package glassbox.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import glassbox.model.bench.TokenizeBenchmark;
import glassbox.model.bench.TrainBenchmark;
import glassbox.model.export.HfConfig;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.train.ModelConfig;
import glassbox.model.train.TrainingConfig;
import glassbox.rag.CourseIndex;
import glassbox.rag.DevQuestion;
import glassbox.rag.IndexStore;
import glassbox.rag.course.Course;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code glassbox bench}: speed figures, one JSON line each. Benchmarks, not tests. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure speed; prints one JSON line per figure.",
        subcommands = {BenchCommand.Train.class, BenchCommand.Decode.class, BenchCommand.Prefill.class, BenchCommand.Search.class, BenchCommand.Http.class,
                BenchCommand.Serving.class, BenchCommand.Tokenize.class, BenchCommand.Soak.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = "Training tokens/s (forward, backward, AdamW) on random tokens.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--config", description = "A model's config.json or a training config (default: course-tiny's shape).")
        Path config;
        @Option(names = "--batch", defaultValue = "8") int batch;
        @Option(names = "--seq", defaultValue = "256") int seq;
        @Option(names = "--steps", defaultValue = "10") int steps;
        @Option(names = "--warmup", defaultValue = "3") int warmup;
        @Option(names = "--threads", description = "Worker threads (default: all cores).") Integer threads;

        @Override
        public Integer call() throws Exception {
            ModelConfig model = config == null ? ModelConfig.courseTiny(4096)
                    : config.getFileName().toString().equals("config.json") ? HfConfig.read(config.getParent())
                    : TrainingConfig.read(config).model();
            int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            System.out.println(Json.write(TrainBenchmark.run(model, batch, seq, steps, warmup, t)));
            return 0;
        }
    }

    @Command(name = "search", mixinStandardHelpOptions = true, description = "Search latency p50/p99 over the dev question set (warm).")
    static final class Search implements Callable<Integer> {
        @Option(names = "--questions", defaultValue = "rag-index/src/test/resources/dev-questions.tsv") Path questions;
        @Option(names = "--course", defaultValue = "course") Path course;
        @Option(names = "--model", defaultValue = "models/course-tiny") Path model;
        @Option(names = "--index", defaultValue = ".glassbox/index") Path indexDir;
        @Option(names = "--rounds", defaultValue = "20", description = "Timed passes over the question set.") int rounds;
        @Option(names = "--warmup", defaultValue = "30", description = "Untimed passes first (JIT, caches).") int warmup;

        @Override
        public Integer call() throws Exception {
            List<DevQuestion> qs = DevQuestion.read(questions);
            try (CourseIndex index = IndexStore.open(Course.load(course, model), indexDir, System.err)) {
                for (int i = 0; i < warmup; i++) {
                    qs.forEach(q -> index.search(q.question(), 3));   // warm-up: JIT and page cache
                }
                // Wall time, and the searching thread's CPU time: on a shared machine the wall time also counts waiting for a core.
                var threads = java.lang.management.ManagementFactory.getThreadMXBean();
                List<Long> nanos = new ArrayList<>();
                List<Long> cpuNanos = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    for (DevQuestion q : qs) {
                        long c0 = threads.getCurrentThreadCpuTime();
                        long t0 = System.nanoTime();
                        index.search(q.question(), 3);
                        nanos.add(System.nanoTime() - t0);
                        cpuNanos.add(threads.getCurrentThreadCpuTime() - c0);
                    }
                }
                long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
                long[] cpu = cpuNanos.stream().mapToLong(Long::longValue).sorted().toArray();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("bench", "search");
                out.put("queries", sorted.length);
                out.put("k", 3);
                out.put("p50_ms", percentile(sorted, 0.50));
                out.put("p99_ms", percentile(sorted, 0.99));
                out.put("max_ms", sorted[sorted.length - 1] / 1e6);
                out.put("cpu_p50_ms", percentile(cpu, 0.50));
                out.put("cpu_p99_ms", percentile(cpu, 0.99));
                out.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                System.out.println(Json.write(out));
                return 0;
            }
        }

        static double percentile(long[] sorted, double p) {
            int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
            return Math.round(sorted[Math.max(0, i)] / 1e3) / 1e3;
        }
    }

    @Command(name = "decode", mixinStandardHelpOptions = true, description = "Decode tokens/s (sampling included, best of --rounds; with --anchor, medians of interleaved rounds).")
    static final class Decode implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "models/course-tiny") Path model;
        @Option(names = "--tokens", defaultValue = "500") int tokens;
        @Option(names = "--threads", defaultValue = "0", description = "jlama threads (0 = automatic).") int threads;
        @Option(names = "--rounds", defaultValue = "3") int rounds;
        @Option(names = "--trace", description = "Measure with per-token traces on.") boolean trace;
        @Option(names = "--anchor", paramLabel = "RUN_BINARY",
                description = "A run binary built from karpathy/llama2.c: export the weights to its format and measure it beside ours, "
                        + "interleaved; prints both medians and the ratio.")
        Path anchor;
        @Option(names = "--anchor-threads", defaultValue = "2", description = "OMP_NUM_THREADS for the llama2.c run.") int anchorThreads;
        @Option(names = "--record", description = "With --anchor: write the figures into the model card (README.md).") boolean record;

        @Override
        public Integer call() throws Exception {
            if (anchor != null) {
                if (trace) {
                    System.err.println("glassbox: --anchor measures untraced decoding; drop --trace");
                    return 2;
                }
                LoadWhileMeasuring load = new LoadWhileMeasuring();
                List<Map<String, Object>> lines = DecodeBenchmark.anchor(model, anchor, tokens, threads, anchorThreads, Math.max(rounds, 1));
                for (Map<String, Object> line : lines) {
                    System.out.println(Json.write(line));
                }
                if (record) {
                    DecodeRecord.record(model, lines, load.mean(), Runtime.getRuntime().availableProcessors());
                }
                return 0;
            }
            if (record) {
                System.err.println("glassbox: --record needs --anchor RUN_BINARY");
                return 2;
            }
            System.out.println(Json.write(DecodeBenchmark.decode(model, tokens, threads, trace, rounds)));
            return 0;
        }
    }

    @Command(name = "prefill", mixinStandardHelpOptions = true, description = "Prefill (prompt processing) tokens/s.")
    static final class Prefill implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "models/course-tiny") Path model;
        @Option(names = "--prompt-tokens", defaultValue = "256") int promptTokens;
        @Option(names = "--threads", defaultValue = "0") int threads;
        @Option(names = "--rounds", defaultValue = "5") int rounds;
        @Option(names = "--trace", description = "Also measure with attention and logit-lens traces on, and print the slowdown.")
        boolean trace;

        @Override
        public Integer call() throws Exception {
            System.out.println(Json.write(DecodeBenchmark.prefill(model, promptTokens, threads, rounds, trace)));
            return 0;
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = "Mixed loopback load (streamed or not, traced or not, completed or aborted) for a while; one JSON line with errors, "
                    + "latency and heap after GC at start and end.")
    static final class Soak implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "models/course-tiny") Path model;
        @Option(names = "--clients", defaultValue = "16") int clients;
        @Option(names = "--minutes", defaultValue = "10") double minutes;
        @Option(names = "--max-requests", defaultValue = "1000000", description = "Stop after this many requests even if time is left.")
        long maxRequests;

        @Override
        public Integer call() throws Exception {
            if (clients < 1 || clients > 256 || minutes <= 0 || minutes > 24 * 60) {
                System.err.println("glassbox: --clients must be 1..256 and --minutes 0..1440");
                return 2;
            }
            Map<String, Object> out = SoakBenchmark.run(model, clients, minutes, maxRequests);
            System.out.println(Json.write(out));
            return (long) out.get("errors") == 0 && Boolean.TRUE.equals(out.get("health_ok")) ? 0 : 1;
        }
    }

    @Command(name = "http", mixinStandardHelpOptions = true,
            description = "Tokens/s streamed through /v1/chat/completions vs the engine, and time to first token for 1, 4 and 16 clients.")
    static final class Http implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "models/course-tiny") Path model;
        @Option(names = "--tokens", defaultValue = "200") int tokens;
        @Option(names = "--rounds", defaultValue = "3") int rounds;

        @Override
        public Integer call() throws Exception {
            for (Map<String, Object> line : HttpBenchmark.run(model, tokens, rounds)) {
                System.out.println(Json.write(line));
            }
            return 0;
        }
    }

    @Command(name = "serving", mixinStandardHelpOptions = true,
            description = "The serving figures together: decode, HTTP streaming vs the engine, throughput and time to first token for 1, 4 "
                    + "and 16 clients, prefill with and without traces; with --record also written into the model card.")
    static final class Serving implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "models/course-tiny") Path model;
        @Option(names = "--rounds", defaultValue = "3") int rounds;
        @Option(names = "--record", description = "Write the figures into the model card (README.md).") boolean record;

        @Override
        public Integer call() throws Exception {
            LoadWhileMeasuring load = new LoadWhileMeasuring();
            List<Map<String, Object>> lines = new ArrayList<>();
            lines.add(DecodeBenchmark.decode(model, 500, 0, false, rounds));
            lines.add(DecodeBenchmark.prefill(model, 256, 0, rounds + 2, true));
            lines.addAll(HttpBenchmark.run(model, 200, rounds));
            for (Map<String, Object> line : lines) {
                System.out.println(Json.write(line));
            }
            if (record) {
                ServingRecord.record(model, lines, load.mean(), Runtime.getRuntime().availableProcessors());
                System.err.println("recorded in " + model.resolve("README.md"));
            }
            return 0;
        }
    }

    /** The system load average while a bench measures: sampled at the start, averaged with its value at the end. */
    private static final class LoadWhileMeasuring {
        private final double start = now();

        double mean() {
            return (start + now()) / 2;
        }

        private static double now() {
            return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        }
    }

    @Command(name = "tokenize", mixinStandardHelpOptions = true,
            description = "Encoding time of one long word (\"attention\" repeated), best of --rounds.")
    static final class Tokenize implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "models/course-tiny") Path model;
        @Option(names = "--chars", defaultValue = "99000", description = "Length of the word in characters.") int chars;
        @Option(names = "--rounds", defaultValue = "5") int rounds;

        @Override
        public Integer call() throws Exception {
            System.out.println(Json.write(TokenizeBenchmark.run(BpeTokenizer.load(model), chars, rounds)));
            return 0;
        }
    }
}
