package glassbox.server;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import glassbox.model.infer.Engine;
import glassbox.model.infer.EngineOptions;
import glassbox.model.infer.GenerationRequest;
import glassbox.model.infer.GenerationResult;
import glassbox.model.infer.SamplingParams;
import glassbox.model.infer.TraceOptions;
import glassbox.model.tokenizer.SpecialToken;

/** Decode and prefill speed of the engine on a model directory, end-of-turn tokens banned so every run is full length. */
final class DecodeBenchmark {
    private DecodeBenchmark() {
    }

    static Map<String, Object> decode(Path model, int tokens, int threads, boolean trace, int rounds) throws Exception {
        try (Engine engine = Engine.load(model, new EngineOptions(threads, 1, 0, 0))) {
            int[] prompt = engine.tokenizer().encode("The transformer");
            int max = Math.min(tokens, engine.info().contextLength() - prompt.length);
            SamplingParams s = new SamplingParams(0.8f, 40, 0.95f, 0f, 1f, 0f, 0f, banEnds(engine), 7);
            TraceOptions options = trace ? TraceOptions.basic() : TraceOptions.OFF;
            engine.generate(new GenerationRequest(prompt, max, s, List.of(), Set.of(), options, null), null, null); // warm-up
            double best = 0;
            int generated = 0;
            for (int r = 0; r < rounds; r++) {
                GenerationResult res = engine.generate(new GenerationRequest(prompt, max, s, List.of(), Set.of(), options, null), null, null);
                generated = res.completionTokens();
                best = Math.max(best, res.completionTokens() / (res.decodeMillis() / 1000));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("bench", "decode");
            out.put("model", engine.info().name());
            out.put("tokens", generated);
            out.put("prompt_tokens", prompt.length);
            out.put("threads", engine.info().threads());
            out.put("trace", trace);
            out.put("tokens_per_s", Math.round(best * 10) / 10.0);
            return out;
        }
    }

    /**
     * Our decode beside llama2.c's {@code run} on the same weights, interleaved round by round
     * (the machine may be shared, so each round's two runs see the same load): first a check
     * that both decode the same greedy tokens from run.c's start token, then the median
     * tokens/s of each and the median of the per-round ratios. One JSON line each.
     */
    static List<Map<String, Object>> anchor(Path model, Path runBinary, int tokens, int threads, int anchorThreads, int rounds) throws Exception {
        Path work = java.nio.file.Files.createTempDirectory("glassbox-llama2c");
        try (Engine engine = Engine.load(model, new EngineOptions(threads, 1, 0, 0))) {
            Llama2cAnchor c = Llama2cAnchor.export(runBinary, model, work);
            List<Map<String, Object>> lines = new java.util.ArrayList<>();
            lines.add(greedyCheck(engine, c, 48, anchorThreads));

            int[] prompt = engine.tokenizer().encode("The transformer");
            int max = Math.min(tokens, engine.info().contextLength() - prompt.length);
            SamplingParams s = new SamplingParams(0.8f, 40, 0.95f, 0f, 1f, 0f, 0f, banEnds(engine), 7);
            GenerationRequest request = new GenerationRequest(prompt, max, s, List.of(), Set.of(), TraceOptions.OFF, null);
            engine.generate(request, null, null);   // warm-up (JIT)
            c.run(max + 1, 0.8f, 0.95f, 7, anchorThreads);
            double[] ours = new double[rounds];
            double[] theirs = new double[rounds];
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                GenerationResult res = engine.generate(request, null, null);
                ours[r] = res.completionTokens() / (res.decodeMillis() / 1000);
                theirs[r] = c.run(max + 1, 0.8f, 0.95f, 7, anchorThreads).tokensPerS();   // run.c times the steps after its first
                ratio[r] = ours[r] / theirs[r];
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("bench", "decode");
            o.put("model", engine.info().name());
            o.put("tokens", max);
            o.put("threads", engine.info().threads());
            o.put("rounds", rounds);
            o.put("tokens_per_s", round1(median(ours)));
            lines.add(o);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("bench", "decode_llama2c");
            t.put("tokens", max);
            t.put("threads", anchorThreads);
            t.put("rounds", rounds);
            t.put("tokens_per_s", round1(median(theirs)));
            lines.add(t);
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("bench", "decode_vs_llama2c");
            q.put("ratio", Math.round(median(ratio) * 1000) / 1000.0);
            q.put("ratio_min", Math.round(java.util.Arrays.stream(ratio).min().orElseThrow() * 1000) / 1000.0);
            q.put("ratio_max", Math.round(java.util.Arrays.stream(ratio).max().orElseThrow() * 1000) / 1000.0);
            lines.add(q);
            return lines;
        } finally {
            try (var files = java.nio.file.Files.list(work)) {
                for (Path f : files.toList()) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
            java.nio.file.Files.deleteIfExists(work);
        }
    }

    /** Greedy decoding from run.c's start token (id 1) on both sides: how many leading tokens agree. */
    private static Map<String, Object> greedyCheck(Engine engine, Llama2cAnchor c, int steps, int anchorThreads) throws Exception {
        SamplingParams greedy = new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, banEnds(engine), 0);
        int[] ours = engine.generate(new GenerationRequest(new int[] {1}, steps, greedy, List.of(), Set.of(), TraceOptions.OFF, null), null, null)
                .completion();
        int[] theirs = c.run(steps, 0f, 0.9f, 1, anchorThreads).tokens();
        int same = 0;
        while (same < Math.min(ours.length, theirs.length) && ours[same] == theirs[same]) {
            same++;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "decode_llama2c_check");
        out.put("steps", Math.min(ours.length, theirs.length));
        out.put("same_greedy_tokens", same);
        return out;
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double round1(double x) {
        return Math.round(x * 10) / 10.0;
    }

    /**
     * Prefill tokens/s (best of {@code rounds}); with {@code trace} also the same prompt with
     * attention and logit-lens traces on (what the chat asks for), rounds alternating so both
     * figures see the same machine load, and the slowdown between them.
     */
    static Map<String, Object> prefill(Path model, int promptTokens, int threads, int rounds, boolean trace) throws Exception {
        try (Engine engine = Engine.load(model, new EngineOptions(threads, 1, 0, 0))) {
            int n = Math.min(promptTokens, engine.info().contextLength() - 1);
            int[] text = engine.tokenizer().encode(String.join(" ", java.util.Collections.nCopies(400, "attention lets each token look back")));
            int[] prompt = java.util.Arrays.copyOf(text, n);
            TraceOptions traced = new TraceOptions(true, true, true, TraceOptions.DEFAULT_CANDIDATES);
            prefillMillis(engine, prompt, TraceOptions.OFF);   // warm-up
            if (trace) {
                prefillMillis(engine, prompt, traced);
            }
            double best = Double.MAX_VALUE;
            double bestTraced = Double.MAX_VALUE;
            for (int r = 0; r < rounds; r++) {
                best = Math.min(best, prefillMillis(engine, prompt, TraceOptions.OFF));
                if (trace) {
                    bestTraced = Math.min(bestTraced, prefillMillis(engine, prompt, traced));
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("bench", "prefill");
            out.put("model", engine.info().name());
            out.put("prompt_tokens", n);
            out.put("threads", engine.info().threads());
            out.put("tokens_per_s", tokensPerSecond(n, best));
            if (trace) {
                out.put("traced_tokens_per_s", tokensPerSecond(n, bestTraced));
                out.put("trace_slowdown", Math.round(bestTraced / best * 100) / 100.0);
            }
            return out;
        }
    }

    /** Milliseconds of prefill for {@code prompt} (one token generated, greedy). */
    private static double prefillMillis(Engine engine, int[] prompt, TraceOptions trace) {
        GenerationRequest req = new GenerationRequest(prompt, 1, SamplingParams.greedy(), List.of(), Set.of(), trace, null);
        return engine.generate(req, null, null).prefillMillis();
    }

    private static double tokensPerSecond(int tokens, double millis) {
        return Math.round(tokens / (millis / 1000) * 10) / 10.0;
    }

    /** Logit bias that bans the end-of-text tokens, so a benchmark run always has its full length. */
    static Map<Integer, Float> banEnds(Engine engine) {
        return Map.of(engine.tokenizer().id(SpecialToken.END), -100f, engine.tokenizer().id(SpecialToken.EOS), -100f);
    }
}
