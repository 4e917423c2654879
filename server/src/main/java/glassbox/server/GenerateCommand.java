package glassbox.server;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import glassbox.model.infer.Engine;
import glassbox.model.infer.EngineOptions;
import glassbox.model.infer.GenerationRequest;
import glassbox.model.infer.GenerationResult;
import glassbox.model.infer.SamplingParams;
import glassbox.model.infer.TraceOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code glassbox generate}: continue a prompt with the model, streaming to stdout; {@code --trace} prints the trace as JSON. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt with the model (raw text, no chat template). Same seed, same output.")
final class GenerateCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The prompt text.") String prompt;
    @Option(names = "--model", defaultValue = "models/course-tiny", description = "Model directory (default: ${DEFAULT-VALUE}).") Path model;
    @Option(names = "--max-tokens", defaultValue = "50") int maxTokens;
    @Option(names = "--temperature", defaultValue = "0.8") float temperature;
    @Option(names = "--top-k", defaultValue = "0", description = "0 = off") int topK;
    @Option(names = "--top-p", defaultValue = "1.0") float topP;
    @Option(names = "--min-p", defaultValue = "0") float minP;
    @Option(names = "--repetition-penalty", defaultValue = "1.0") float repetitionPenalty;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--stop", description = "Stop string (repeatable).") List<String> stop;
    @Option(names = "--trace", description = "Print the per-token trace as JSON after the text.") boolean trace;
    @Option(names = "--attention", description = "With --trace: include attention rows and the logit lens.") boolean attention;
    @Option(names = "--threads", defaultValue = "0", description = "jlama threads (0 = automatic).") int threads;

    @Override
    public Integer call() throws Exception {
        SamplingParams sampling;
        try {
            sampling = new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, 0f, 0f, Map.of(), seed);
        } catch (IllegalArgumentException e) {
            System.err.println("glassbox generate: " + e.getMessage());
            return 2;
        }
        try (Engine engine = Engine.load(model, new EngineOptions(threads, 1, 0, 0))) {
            int[] ids = engine.tokenizer().encode(prompt);
            TraceOptions options = !trace ? TraceOptions.OFF : attention ? TraceOptions.full() : TraceOptions.basic();
            GenerationResult r = engine.generate(new GenerationRequest(ids, maxTokens, sampling, stop, Set.of(), options, null),
                    (text, tokens) -> {
                        System.out.print(text);
                        System.out.flush();
                    }, null);
            System.out.println();
            if (trace) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("prompt_tokens", r.promptTokens());
                out.put("completion_tokens", r.completionTokens());
                out.put("finish_reason", r.finishReason().apiName());
                out.put("prefill_ms", r.prefillMillis());
                out.put("decode_ms", r.decodeMillis());
                out.put("tokens", r.tokens());
                if (r.promptAttention() != null) {
                    out.put("prompt_attention", r.promptAttention());
                }
                System.out.println(Json.write(out));
            }
            return 0;
        } catch (glassbox.model.infer.ContextLengthExceededException e) {
            System.err.println("glassbox generate: " + e.getMessage());
            return 2;
        }
    }
}
