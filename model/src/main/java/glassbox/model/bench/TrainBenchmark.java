package glassbox.model.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import glassbox.model.train.AdamW;
import glassbox.model.train.GradientClipping;
import glassbox.model.train.ModelConfig;
import glassbox.model.train.Parallel;
import glassbox.model.train.Transformer;
import glassbox.model.train.Weights;

/**
 * Training throughput at a given shape: full steps (forward, loss, backward, clipping, AdamW)
 * on random tokens, after warm-up steps that let the JIT compile the kernels.
 */
public final class TrainBenchmark {
    private TrainBenchmark() {
    }

    public static Map<String, Object> run(ModelConfig config, int batch, int seq, int steps, int warmup, int threads) {
        Weights w = new Weights(config);
        w.initialize(1);
        SplittableRandom random = new SplittableRandom(7);
        int[] in = random.ints((long) batch * seq, 0, config.vocabSize()).toArray();
        int[] out = random.ints((long) batch * seq, 0, config.vocabSize()).toArray();
        float[] grad = new float[w.size()];
        try (Parallel par = new Parallel(threads)) {
            Transformer model = new Transformer(w, batch, seq, par);
            AdamW adam = new AdamW(w, 0.9f, 0.95f, 1e-8f, 0.1f);
            long start = 0;
            for (int s = 0; s < warmup + steps; s++) {
                if (s == warmup) {
                    start = System.nanoTime();
                }
                Arrays.fill(grad, 0f);
                model.forward(in);
                model.crossEntropy(out);
                model.backward(grad);
                GradientClipping.clip(grad, 1f);
                adam.step(grad, 1e-4f, par);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("bench", "train");
            result.put("tokens_per_s", Math.round(steps * (double) batch * seq / seconds));
            result.put("batch", batch);
            result.put("seq", seq);
            result.put("steps", steps);
            result.put("threads", threads);
            result.put("parameters", config.parameterCount());
            result.put("ms_per_step", Math.round(seconds * 1000 / steps));
            return result;
        }
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        System.out.println(run(ModelConfig.courseTiny(4096), 8, 256, 10, 3, threads));
    }
}
