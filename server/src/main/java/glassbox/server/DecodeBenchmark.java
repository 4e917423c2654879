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

    static Map<String, Object> prefill(Path model, int promptTokens, int threads, int rounds) throws Exception {
        try (Engine engine = Engine.load(model, new EngineOptions(threads, 1, 0, 0))) {
            int n = Math.min(promptTokens, engine.info().contextLength() - 1);
            int[] text = engine.tokenizer().encode(String.join(" ", java.util.Collections.nCopies(400, "attention lets each token look back")));
            int[] prompt = java.util.Arrays.copyOf(text, n);
            SamplingParams s = SamplingParams.greedy();
            engine.generate(new GenerationRequest(prompt, 1, s, List.of(), Set.of(), TraceOptions.OFF, null), null, null);
            double best = 0;
            for (int r = 0; r < rounds; r++) {
                GenerationResult res = engine.generate(new GenerationRequest(prompt, 1, s, List.of(), Set.of(), TraceOptions.OFF, null), null, null);
                best = Math.max(best, n / (res.prefillMillis() / 1000));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("bench", "prefill");
            out.put("model", engine.info().name());
            out.put("prompt_tokens", n);
            out.put("threads", engine.info().threads());
            out.put("tokens_per_s", Math.round(best * 10) / 10.0);
            return out;
        }
    }

    /** Logit bias that bans the end-of-text tokens, so a benchmark run always has its full length. */
    static Map<Integer, Float> banEnds(Engine engine) {
        return Map.of(engine.tokenizer().id(SpecialToken.END), -100f, engine.tokenizer().id(SpecialToken.EOS), -100f);
    }
}
