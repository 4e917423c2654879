package glassbox.model.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tjake.jlama.tensor.KvBufferCache;

import glassbox.model.export.WeightsIo;
import glassbox.model.train.Parallel;
import glassbox.model.train.Transformer;

/**
 * The batched step on the committed model: sequences of different lengths decoded together give
 * every row exactly the logits (the same bits) that the row gets decoded alone on its own cache,
 * while rows join and leave the batch; and the batched logits still agree with the trainer's
 * forward pass (1e-4 in probability). Prefill by jlama mixed with these steps is
 * {@link FastDecoderTest}'s subject.
 */
class BatchedDecodeTest {
    static final Path DIR = FastDecoderTest.DIR;
    static InspectableLlamaModel jlama;
    static Parallel par = new Parallel(2);

    @BeforeAll
    static void load() throws Exception {
        jlama = FastDecoderTest.model(0);   // the model's config, weights and KV caches
    }

    @AfterAll
    static void close() {
        jlama.close();
        par.close();
    }

    /** A sequence: its prompt, the step it joins the batch at, how many tokens it decodes, and what it decoded. */
    static final class Sequence {
        final int[] prompt;
        final int joinsAt;
        final int steps;
        final List<Integer> decoded = new ArrayList<>();
        final List<float[]> logits = new ArrayList<>();
        KvBufferCache.KvBuffer batchedKv;
        KvBufferCache.KvBuffer aloneKv;
        int next;   // the token it feeds at its next step

        Sequence(int promptLength, int joinsAt, int steps) {
            this.prompt = new int[promptLength];
            for (int i = 0; i < promptLength; i++) {
                prompt[i] = i == 0 ? 4086 : 300 + (i * 37 + promptLength) % 500;
            }
            this.joinsAt = joinsAt;
            this.steps = steps;
            this.next = prompt[promptLength - 1];
        }

        boolean activeAt(int step) {
            return step >= joinsAt && step < joinsAt + steps;
        }

        int position() {
            return prompt.length - 1 + decoded.size();
        }
    }

    @ParameterizedTest(name = "{0} decode thread(s)")
    @ValueSource(ints = {1, 2})
    void eachRowOfABatchIsTheSameBitsAsThatRowAlone(int threads) {
        List<Sequence> seqs = List.of(new Sequence(3, 0, 14), new Sequence(9, 0, 6), new Sequence(30, 0, 14),
                new Sequence(17, 4, 10), new Sequence(5, 2, 9));   // one leaves early, two join later
        KvBufferCache cache = new KvBufferCache(jlama);
        try (FastDecoder fast = FastDecoder.forModel(jlama.getConfig(), jlama.getWeights(), threads).orElseThrow()) {
            for (Sequence s : seqs) {
                s.batchedKv = cache.getEphemeralKvBuffer();
                s.aloneKv = cache.getEphemeralKvBuffer();
                // The prompt but its last token (the first step's input) goes into both caches one
                // position at a time, so they start as the same bits (jlama's prefill is not
                // bit-reproducible from one call to the next while the JIT compiles its kernels).
                for (int p = 0; p < s.prompt.length - 1; p++) {
                    fast.forward(s.prompt[p], p, s.batchedKv);
                    fast.forward(s.prompt[p], p, s.aloneKv);
                }
            }
            int vocab = fast.vocab();
            for (int step = 0; step < 14; step++) {
                int current = step;
                List<Sequence> batch = seqs.stream().filter(s -> s.activeAt(current)).toList();
                int[] tokens = batch.stream().mapToInt(s -> s.next).toArray();
                int[] positions = batch.stream().mapToInt(Sequence::position).toArray();
                KvBufferCache.KvBuffer[] kvs = batch.stream().map(s -> s.batchedKv).toArray(KvBufferCache.KvBuffer[]::new);
                float[][] together = new float[batch.size()][vocab];
                fast.logits(fast.forward(tokens, positions, kvs), together, batch.size());
                for (int b = 0; b < batch.size(); b++) {
                    Sequence s = batch.get(b);
                    float[] alone = new float[vocab];
                    fast.logits(fast.forward(s.next, s.position(), s.aloneKv), alone);
                    assertThat(together[b]).as("step %d, row %d of %d (prompt %d tokens)", step, b, batch.size(), s.prompt.length)
                            .containsExactly(alone);
                    s.logits.add(together[b]);
                    s.decoded.add(s.next);
                    s.next = EngineTest.argmax(together[b]);
                }
            }
        } finally {
            for (Sequence s : seqs) {
                s.batchedKv.close();
                s.aloneKv.close();
            }
        }
        for (Sequence s : seqs) {
            assertThat(s.logits).hasSize(s.steps);
            assertMatchesTheTrainer(s);
        }
    }

    @Test
    void aPromptsPositionsAsRowsOfOneCacheGiveTheStepByStepBitsAndTheTrainersProbabilities() throws Exception {
        Sequence s = new Sequence(150, 0, 1);
        int n = s.prompt.length;
        KvBufferCache cache = new KvBufferCache(jlama);
        float[] together = new float[jlama.getConfig().vocabularySize];
        float[] stepByStep = new float[together.length];
        try (FastDecoder fast = FastDecoder.forModel(jlama.getConfig(), jlama.getWeights(), 1).orElseThrow();
             KvBufferCache.KvBuffer shared = cache.getEphemeralKvBuffer();
             KvBufferCache.KvBuffer alone = cache.getEphemeralKvBuffer()) {
            for (int from = 0; from < n; from += 64) {   // in chunks, as the engine prefills
                int to = Math.min(n, from + 64);
                int[] positions = java.util.stream.IntStream.range(from, to).toArray();
                KvBufferCache.KvBuffer[] kvs = new KvBufferCache.KvBuffer[to - from];
                java.util.Arrays.fill(kvs, shared);
                float[][] hidden = fast.forward(java.util.Arrays.copyOfRange(s.prompt, from, to), positions, kvs);
                if (to == n) {
                    fast.logits(hidden[to - from - 1], together);
                }
            }
            for (int p = 0; p < n; p++) {
                float[] h = fast.forward(s.prompt[p], p, alone);
                if (p == n - 1) {
                    fast.logits(h, stepByStep);
                }
            }
        }
        assertThat(together).containsExactly(stepByStep);
        Transformer trainer = new Transformer(WeightsIo.load(DIR), 1, n, par);
        trainer.forward(s.prompt);
        assertThat(FastDecoderTest.maxAbsDiff(CommittedModelTest.softmax(together), trainer.probabilities(n - 1))).isLessThanOrEqualTo(1e-4f);
    }

    /** softmax(logits) of each decoded step against the trainer's probabilities at that position. */
    static void assertMatchesTheTrainer(Sequence s) {
        int[] seq = new int[s.prompt.length + s.steps];
        System.arraycopy(s.prompt, 0, seq, 0, s.prompt.length);
        for (int i = 1; i < s.steps; i++) {
            seq[s.prompt.length + i - 1] = s.decoded.get(i);   // decoded.get(0) is the prompt's last token
        }
        seq[seq.length - 1] = EngineTest.argmax(s.logits.get(s.steps - 1));
        Transformer trainer;
        try {
            trainer = new Transformer(WeightsIo.load(DIR), 1, seq.length, par);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        trainer.forward(seq);
        for (int i = 0; i < s.steps; i++) {
            int position = s.prompt.length - 1 + i;
            assertThat(FastDecoderTest.maxAbsDiff(CommittedModelTest.softmax(s.logits.get(i)), trainer.probabilities(position)))
                    .as("probabilities at position %d (prompt %d tokens)", position, s.prompt.length).isLessThanOrEqualTo(1e-4f);
        }
    }
}
