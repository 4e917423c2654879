package glassbox.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import glassbox.model.train.Parallel;
import glassbox.model.train.Transformer;

/**
 * The engine against a second implementation: the trainer's own forward pass on the same
 * weights decides what greedy decoding must produce, what each attention row must be and what
 * probability the chosen token had.
 */
class EngineTest {
    @TempDir
    static Path dir;
    static TinyModel tiny;
    static Engine engine;
    static Parallel par = new Parallel(2);

    @BeforeAll
    static void load() throws Exception {
        tiny = TinyModel.export(dir.resolve("model"));
        engine = Engine.load(dir.resolve("model"), new EngineOptions(0, 1, 0, 1L << 30));
    }

    @AfterAll
    static void close() {
        engine.close();
        par.close();
    }

    static int[] prompt(int i) {
        return tiny.tokenizer.encode(TinyModel.TEXT.get(i));
    }

    static GenerationRequest request(int[] prompt, int max, SamplingParams sampling, TraceOptions trace, String session) {
        return new GenerationRequest(prompt, max, sampling, List.of(), Set.of(), trace, session);
    }

    /** Plain sampling at temperature 1 with the end-of-text tokens banned, so a run always has its full length. */
    static SamplingParams samplingThatNeverEnds(long seed) {
        return new SamplingParams(1.0f, 0, 1f, 0f, 1f, 0f, 0f, java.util.Map.of(tiny.tokenizer.id(glassbox.model.tokenizer.SpecialToken.END), -100f,
                tiny.tokenizer.id(glassbox.model.tokenizer.SpecialToken.EOS), -100f), seed);
    }

    /** Trainer forward over {@code tokens}; returns it so rows can be read. */
    static Transformer trainerForward(int[] tokens) {
        Transformer t = new Transformer(tiny.weights, 1, tokens.length, par);
        t.forward(tokens);
        return t;
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void greedyDecodingFollowsTheTrainersArgmaxAtEveryStep() {
        int[] p = prompt(0);
        GenerationResult r = engine.generate(request(p, 12, SamplingParams.greedy(), TraceOptions.basic(), null), null, null);
        List<Integer> seq = new ArrayList<>();
        for (int id : p) {
            seq.add(id);
        }
        for (int i = 0; i < r.completion().length; i++) {
            Transformer t = trainerForward(seq.stream().mapToInt(Integer::intValue).toArray());
            float[] probs = t.probabilities(seq.size() - 1);
            assertThat(r.completion()[i]).as("token %d", i).isEqualTo(argmax(probs));
            assertThat(r.tokens().get(i).prob()).isCloseTo(probs[r.completion()[i]], within(1e-4f));
            seq.add(r.completion()[i]);
        }
        assertThat(r.completion()).isNotEmpty();
    }

    @Test
    void theSameSeedGivesTheSameTokens() {
        SamplingParams s = SamplingParams.of(1.0f, 0, 0.95f, 42);
        int[] a = engine.generate(request(prompt(1), 20, s, TraceOptions.OFF, null), null, null).completion();
        int[] b = engine.generate(request(prompt(1), 20, s, TraceOptions.OFF, null), null, null).completion();
        assertThat(a).isEqualTo(b);
    }

    @Test
    void attentionRowsMatchTheTrainerAndSumToOne() {
        int[] p = prompt(2);
        GenerationResult r = engine.generate(request(p, 5, SamplingParams.greedy(), TraceOptions.full(), null), null, null);
        int[] all = new int[p.length + r.completion().length - 1];
        System.arraycopy(p, 0, all, 0, p.length);
        System.arraycopy(r.completion(), 0, all, p.length, r.completion().length - 1);
        Transformer t = trainerForward(all);
        int layers = engine.info().layers();
        int heads = engine.info().heads();
        // the prompt's full matrices
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                for (int q = 0; q < p.length; q++) {
                    float[] row = r.promptAttention()[l][h][q];
                    assertThat(row).hasSize(q + 1);
                    assertThat(row).containsExactly(t.attentionRow(l, h, q), within(1e-4f));
                    assertThat(sum(row)).isCloseTo(1.0, within(1e-5));
                }
            }
        }
        // the row of the query that predicted each generated token
        for (TokenTrace tt : r.tokens()) {
            for (int l = 0; l < layers; l++) {
                for (int h = 0; h < heads; h++) {
                    assertThat(tt.attention()[l][h]).containsExactly(t.attentionRow(l, h, tt.position() - 1), within(1e-4f));
                }
            }
        }
    }

    @Test
    void theLastLayerOfTheLogitLensIsTheModelsOwnPrediction() {
        GenerationResult r = engine.generate(request(prompt(0), 4, SamplingParams.greedy(), TraceOptions.full(), null), null, null);
        for (TokenTrace tt : r.tokens()) {
            assertThat(tt.logitLens()).hasSize(engine.info().layers());
            ScoredToken top = tt.logitLens().getLast().top().getFirst();
            assertThat(top.id()).isEqualTo(tt.id());
            assertThat(top.prob()).isCloseTo(tt.prob(), within(1e-4f));
        }
    }

    @Test
    void tracesReportFiltersAndCandidatesInOrder() {
        SamplingParams s = new SamplingParams(1.0f, 3, 0.9f, 0f, 1f, 0f, 0f, java.util.Map.of(), 5);
        GenerationResult r = engine.generate(request(prompt(1), 3, s, TraceOptions.basic(), null), null, null);
        for (TokenTrace tt : r.tokens()) {
            assertThat(tt.candidates()).hasSize(TraceOptions.DEFAULT_CANDIDATES);
            assertThat(tt.candidates().stream().filter(c -> c.topK()).count()).isEqualTo(3);
            assertThat(tt.candidates().subList(3, tt.candidates().size())).allMatch(c -> !c.survived());
            assertThat(tt.candidates().stream().filter(CandidateTrace::survived).map(CandidateTrace::id)).contains(tt.id());
            assertThat(tt.draw()).isBetween(0.0, 1.0);
            assertThat(tt.bytes()).isNotEmpty();
        }
    }

    @Test
    void aPromptThatCannotFitIsRefusedWithBothNumbers() {
        int[] p = new int[60];
        assertThatThrownBy(() -> engine.generate(request(p, 10, SamplingParams.greedy(), TraceOptions.OFF, null), null, null))
                .isInstanceOf(ContextLengthExceededException.class)
                .hasMessageContaining("60").hasMessageContaining("10").hasMessageContaining(String.valueOf(TinyModel.CONTEXT));
    }

    @Test
    void aMaxTokensNearIntMaxIsRefusedWithoutWrapping() {
        assertThatThrownBy(() -> engine.checkFits(5, Integer.MAX_VALUE))
                .isInstanceOf(ContextLengthExceededException.class)
                .hasMessageContaining(String.valueOf(5L + Integer.MAX_VALUE)).hasMessageNotContaining("-");
    }

    @Test
    void generationFillsTheContextToTheLastPositionWithoutCrashing() {
        int[] p = new int[40];
        for (int i = 0; i < p.length; i++) {
            p[i] = prompt(0)[i % prompt(0).length];
        }
        SamplingParams s = samplingThatNeverEnds(3);
        GenerationResult r = engine.generate(request(p, TinyModel.CONTEXT - p.length, s, TraceOptions.OFF, null), null, null);
        assertThat(r.completion()).hasSize(TinyModel.CONTEXT - p.length);
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void aSessionContinuesFromItsCachedPrefixWithTheSameResult() {
        int[] first = java.util.Arrays.copyOf(prompt(0), 16);
        GenerationResult a = engine.generate(request(first, 6, SamplingParams.greedy(), TraceOptions.OFF, "chat-1"), null, null);
        int[] next = concat(first, a.completion(), java.util.Arrays.copyOf(prompt(1), 12));
        GenerationResult cached = engine.generate(request(next, 6, SamplingParams.greedy(), TraceOptions.OFF, "chat-1"), null, null);
        GenerationResult fresh = engine.generate(request(next, 6, SamplingParams.greedy(), TraceOptions.OFF, null), null, null);
        assertThat(cached.cachedTokens()).isEqualTo(first.length + a.completion().length - 1);
        assertThat(fresh.cachedTokens()).isZero();
        assertThat(cached.completion()).isEqualTo(fresh.completion());
        assertThat(engine.closeSession("chat-1")).isTrue();
        assertThat(engine.hasSession("chat-1")).isFalse();
    }

    @Test
    void sessionsPastTheBudgetAreEvictedLeastRecentlyUsedFirst() throws Exception {
        long perSession = engine.info().kvBytesPerToken() * engine.info().contextLength();
        try (Engine small = Engine.load(dir.resolve("model"), new EngineOptions(0, 1, 0, 2 * perSession))) {
            for (String id : List.of("a", "b", "c")) {
                small.generate(request(prompt(0), 2, SamplingParams.greedy(), TraceOptions.OFF, id), null, null);
            }
            assertThat(small.stats().sessions()).isEqualTo(2);
            assertThat(small.hasSession("a")).isFalse();
            assertThat(small.hasSession("c")).isTrue();
            assertThat(small.stats().evictions()).isEqualTo(1);
        }
    }

    @Test
    void aGenerationThatFailsHalfWayLeavesNoStalePrefixInItsSession() {
        SamplingParams s = samplingThatNeverEnds(3);
        int[] first = prompt(0);
        GenerationResult r1 = engine.generate(request(first, 6, s, TraceOptions.OFF, "fails-half-way"), null, null);
        // Another prompt in the same session overwrites the cache past their common prefix, then fails mid-generation.
        assertThatThrownBy(() -> engine.generate(request(prompt(1), 6, s, TraceOptions.OFF, "fails-half-way"), (text, tokens) -> {
            throw new IllegalStateException("the client went away");
        }, null)).hasMessageContaining("went away");
        // The first conversation goes on: its old prefix must not be reused over the overwritten cache.
        int[] followUp = new int[first.length + r1.completion().length + 1];
        System.arraycopy(first, 0, followUp, 0, first.length);
        System.arraycopy(r1.completion(), 0, followUp, first.length, r1.completion().length);
        followUp[followUp.length - 1] = first[0];
        GenerationResult resumed = engine.generate(request(followUp, 4, SamplingParams.greedy(), TraceOptions.OFF, "fails-half-way"), null, null);
        GenerationResult fresh = engine.generate(request(followUp, 4, SamplingParams.greedy(), TraceOptions.OFF, null), null, null);
        assertThat(resumed.cachedTokens()).isLessThan(first.length);
        assertThat(resumed.completion()).containsExactly(fresh.completion());
    }

    @Test
    void cancellingStopsWithinOneToken() {
        AtomicInteger seen = new AtomicInteger();
        SamplingParams s = samplingThatNeverEnds(9);
        GenerationResult r = engine.generate(request(prompt(0), 30, s, TraceOptions.OFF, null),
                (text, tokens) -> seen.addAndGet(tokens.size()), () -> seen.get() >= 3);
        assertThat(r.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(r.completion().length).isBetween(3, 4);
    }

    /** Starts a generation that takes a slot, counts {@code started} down at its first token and waits there for {@code release}. */
    private Thread holdSlot(Engine on, CountDownLatch started, CountDownLatch release, int maxWaitSeconds) {
        Thread holder = new Thread(() -> on.generate(request(prompt(0), 3, SamplingParams.greedy(), TraceOptions.OFF, null),
                (t, tokens) -> {
                    started.countDown();
                    try {
                        release.await(maxWaitSeconds, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, null));
        holder.start();
        return holder;
    }

    @Test
    void aFullQueueIsRefusedAsBusy() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = holdSlot(engine, started, release, 10);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            assertThatThrownBy(() -> engine.generate(request(prompt(1), 3, SamplingParams.greedy(), TraceOptions.OFF, null), null, null))
                    .isInstanceOf(EngineBusyException.class);
        } finally {
            release.countDown();
            holder.join();
        }
        assertThat(engine.generate(request(prompt(1), 2, SamplingParams.greedy(), TraceOptions.OFF, null), null, null).completion()).isNotEmpty();
    }

    @Test
    void aWaitInTheQueueEndsAsBusyInsteadOfBlocking() throws Exception {
        try (Engine queued = Engine.load(dir.resolve("model"), new EngineOptions(0, 1, 1, 1L << 30, java.time.Duration.ofMillis(50)))) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = holdSlot(queued, started, release, 30);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            try {
                assertThatThrownBy(() -> queued.generate(request(prompt(1), 3, SamplingParams.greedy(), TraceOptions.OFF, null), null, null))
                        .isInstanceOf(EngineBusyException.class).hasMessageContaining("within");
                assertThat(queued.stats().queued()).isZero();
            } finally {
                release.countDown();
                holder.join();
            }
        }
    }

    @Test
    void aStopStringEndsTheTextBeforeIt() {
        SamplingParams s = samplingThatNeverEnds(4);
        GenerationResult free = engine.generate(request(prompt(2), 30, s, TraceOptions.OFF, null), null, null);
        String text = free.text();
        assertThat(text.length()).isGreaterThan(10);
        String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
        StringBuilder streamed = new StringBuilder();
        GenerationResult stopped = engine.generate(new GenerationRequest(prompt(2), 30, s, List.of(stop), Set.of(), TraceOptions.OFF, null),
                (t, tokens) -> streamed.append(t), null);
        assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(stopped.text()).isEqualTo(text.substring(0, text.indexOf(stop)));
        assertThat(streamed.toString()).isEqualTo(stopped.text());
    }

    static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    static double sum(float[] row) {
        double s = 0;
        for (float x : row) {
            s += x;
        }
        return s;
    }
}
