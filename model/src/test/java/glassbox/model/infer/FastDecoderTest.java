package glassbox.model.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.tjake.jlama.model.llama.LlamaConfig;
import com.github.tjake.jlama.model.llama.LlamaTokenizer;
import com.github.tjake.jlama.safetensors.SafeTensorSupport;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import com.github.tjake.jlama.util.JsonSupport;

import glassbox.model.export.WeightsIo;
import glassbox.model.train.Parallel;
import glassbox.model.train.Transformer;

/**
 * The fast single-token step against jlama's own layers and against the trainer, on the
 * committed model: the prompt is prefilled by jlama's batched forward into each model's KV
 * cache, then every decoded step must give the same logits (1e-4) and the same greedy token as
 * jlama, and the same next-token probabilities as the trainer's forward pass (1e-4) — which
 * also checks that keys and values land in jlama's cache where jlama reads them.
 */
class FastDecoderTest {
    static final Path DIR = Path.of("../models/course-tiny");
    static InspectableLlamaModel fast;
    static InspectableLlamaModel fast2;
    static InspectableLlamaModel jlama;
    static Parallel par = new Parallel(2);

    @BeforeAll
    static void load() throws Exception {
        fast = model(1);
        fast2 = model(2);
        jlama = model(0);
    }

    static InspectableLlamaModel model(int decodeThreads) throws Exception {
        LlamaConfig config = JsonSupport.om.readValue(DIR.resolve("config.json").toFile(), LlamaConfig.class);
        return new InspectableLlamaModel(config, SafeTensorSupport.loadWeights(DIR.toFile()), new LlamaTokenizer(DIR), decodeThreads);
    }

    @AfterAll
    static void close() {
        fast.close();
        fast2.close();
        jlama.close();
        par.close();
    }

    @Test
    void theFastPathIsOnlyUsedWhereAsked() {
        assertThat(fast.decodeThreads()).isEqualTo(1);
        assertThat(fast2.decodeThreads()).isEqualTo(2);
        assertThat(jlama.decodeThreads()).isZero();
    }

    @Test
    void decodedStepsMatchJlamaAndTheTrainer() throws Exception {
        decodedStepsMatchJlamaAndTheTrainer(fast);
    }

    @Test
    void twoThreadsDecodeTheSame() throws Exception {
        decodedStepsMatchJlamaAndTheTrainer(fast2);
    }

    static void decodedStepsMatchJlamaAndTheTrainer(InspectableLlamaModel fast) throws Exception {
        int vocab = fast.getConfig().vocabularySize;
        int[] prompt = {4086, 300, 301, 302, 303, 304, 305};   // bos and a few ordinary tokens
        int steps = 60;
        int[] seq = new int[prompt.length + steps];
        System.arraycopy(prompt, 0, seq, 0, prompt.length);
        float[][] fastLogits = new float[steps][];
        try (KvBufferCache.KvBuffer kvFast = new KvBufferCache(fast).getEphemeralKvBuffer();
             KvBufferCache.KvBuffer kvJlama = new KvBufferCache(jlama).getEphemeralKvBuffer()) {
            fast.batchForward(prompt, 0, kvFast).close();
            int[] last = new int[1];
            float[] fromJlama;
            try (AbstractTensor h = jlama.batchForward(prompt, 0, kvJlama)) {
                fromJlama = logits(jlama, h.slice(h.shape().first() - 1), vocab, last);
            }
            int token = last[0];
            for (int s = 0; s < steps; s++) {
                int pos = prompt.length + s;
                seq[pos] = token;
                try (AbstractTensor hf = fast.forward(token, pos, kvFast, Optional.empty());
                     AbstractTensor hj = jlama.forward(token, pos, kvJlama, Optional.empty())) {
                    int[] fastArgmax = new int[1];
                    fastLogits[s] = logits(fast, hf, vocab, fastArgmax);
                    fromJlama = logits(jlama, hj, vocab, last);
                    assertThat(maxAbsDiff(fastLogits[s], fromJlama)).as("logits at position %d", pos).isLessThanOrEqualTo(1e-4f);
                    assertThat(fastArgmax[0]).as("greedy token at position %d", pos).isEqualTo(last[0]);
                    token = last[0];
                }
            }
        }
        int n = prompt.length + steps;
        Transformer trainer = new Transformer(WeightsIo.load(DIR), 1, n, par);
        trainer.forward(seq);
        for (int s = 0; s < steps; s++) {
            float[] expected = trainer.probabilities(prompt.length + s);
            assertThat(maxAbsDiff(CommittedModelTest.softmax(fastLogits[s]), expected)).as("probabilities at position %d", prompt.length + s)
                    .isLessThanOrEqualTo(1e-4f);
        }
    }

    @Test
    void aCaptureSeesTheSameLayersAsJlamasTracedLoop() throws Exception {
        int[] prompt = {4086, 300, 301, 302, 303, 304, 305, 306, 307};
        int layers = jlama.layerCount();
        float[][][] fromJlama = new float[layers + 1][prompt.length][];
        float[][][] fromFast = new float[layers + 1][prompt.length][];
        int[] calls = new int[2];
        try (KvBufferCache.KvBuffer kvJlama = new KvBufferCache(jlama).getEphemeralKvBuffer();
             KvBufferCache.KvBuffer kvFast = new KvBufferCache(fast).getEphemeralKvBuffer()) {
            jlama.capture(recorder(fromJlama, layers, calls, 0));
            try {
                jlama.batchForward(prompt, 0, kvJlama).close();
            } finally {
                jlama.capture(null);
            }
            // two chunks, as the engine prefills: the second sees the first's keys and values in the cache
            int split = 4;
            for (int[] range : new int[][] {{0, split}, {split, prompt.length}}) {
                int rows = range[1] - range[0];
                int[] positions = new int[rows];
                KvBufferCache.KvBuffer[] kvs = new KvBufferCache.KvBuffer[rows];
                for (int r = 0; r < rows; r++) {
                    positions[r] = range[0] + r;
                    kvs[r] = kvFast;
                }
                fast.fastDecoder().forward(java.util.Arrays.copyOfRange(prompt, range[0], range[1]), positions, kvs,
                        recorder(fromFast, layers, calls, 1));
            }
        }
        assertThat(calls[1]).isEqualTo(calls[0]).isEqualTo((layers + 1) * prompt.length);
        for (int l = 0; l <= layers; l++) {
            for (int p = 0; p < prompt.length; p++) {
                assertThat(maxAbsDiff(fromFast[l][p], fromJlama[l][p])).as("layer %d position %d", l, p).isLessThanOrEqualTo(1e-4f);
            }
        }
    }

    /** A capture that files each row under [layer, or the last slot for the final output][position] and counts the calls. */
    private static LayerCapture recorder(float[][][] into, int layers, int[] calls, int which) {
        return new LayerCapture() {
            @Override
            public void layerInput(int layer, int position, float[] hidden) {
                into[layer][position] = hidden;
                calls[which]++;
            }

            @Override
            public void finalOutput(int position, float[] hidden) {
                into[layers][position] = hidden;
                calls[which]++;
            }
        };
    }

    /** Raw logits of a one-row hidden state by the model's own temperature-0 sample; argmax into {@code argmax[0]}. */
    static float[] logits(InspectableLlamaModel m, AbstractTensor hidden, int vocab, int[] argmax) {
        try (AbstractTensor scratch = m.makeDenseTensor(vocab)) {
            argmax[0] = m.sample(hidden, 0f, 0f, scratch);
            return scratch.getMemorySegment().asSlice(0, (long) vocab * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    static float maxAbsDiff(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
