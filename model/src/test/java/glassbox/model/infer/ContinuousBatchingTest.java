package glassbox.model.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Concurrent generations decode together (one forward over all of them per step) and each still
 * gives, token for token, what it gives alone: different seeds, temperatures, filters, lengths and
 * a stop string, one generation joining while the others are half-way, one cancelled.
 */
class ContinuousBatchingTest {
    /** The committed model: its next-token distributions differ from row to row (a random tiny model's mostly repeat the last token). */
    static final Path MODEL = FastDecoderTest.DIR;
    static final List<String> TEXT = List.of("Attention lets every token", "A neuron takes a weighted sum of its inputs and",
            "Sampling with temperature divides the logits before the softmax, so");
    static Engine engine;

    @BeforeAll
    static void load() throws Exception {
        engine = Engine.load(MODEL, new EngineOptions(0, 8, 8, 1L << 30));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /** A request and, for the cancelled one, after how many tokens its client goes away (0: never). */
    record Job(GenerationRequest request, int cancelAfter) {
    }

    /** What a run of a job gave, and the largest batch any of its steps ran in. */
    record Outcome(GenerationResult result, int largestBatch) {
    }

    static Outcome run(Job job, CountDownLatch atTenTokens) {
        AtomicInteger tokens = new AtomicInteger();
        AtomicInteger largest = new AtomicInteger();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onDelta(String text, List<TokenTrace> traces) {
            }

            @Override
            public void onToken(int index, long nanos, int sequences) {
                tokens.incrementAndGet();
                largest.accumulateAndGet(sequences, Math::max);
                if (index == 9 && atTenTokens != null) {
                    atTenTokens.countDown();
                }
            }
        };
        BooleanSupplier cancelled = () -> job.cancelAfter() > 0 && tokens.get() >= job.cancelAfter();
        return new Outcome(engine.generate(job.request(), listener, cancelled), largest.get());
    }

    /** The end-of-text tokens banned, so a run has its full length unless a stop string or a cancel ends it. */
    static java.util.Map<Integer, Float> noEnd() {
        return java.util.Map.of(engine.tokenizer().id(glassbox.model.tokenizer.SpecialToken.END), -100f,
                engine.tokenizer().id(glassbox.model.tokenizer.SpecialToken.EOS), -100f);
    }

    static SamplingParams neverEnds(long seed) {
        return new SamplingParams(1f, 0, 1f, 0f, 1f, 0f, 0f, noEnd(), seed);
    }

    static int[] prompt(int i) {
        return engine.tokenizer().encode(TEXT.get(i));
    }

    static GenerationRequest request(int prompt, int max, SamplingParams s, List<String> stop) {
        return new GenerationRequest(prompt(prompt), max, s, stop, Set.of(), TraceOptions.basic(), null);
    }

    @Test
    void eachGenerationInTheBatchGivesTheTokensItGivesAlone() throws Exception {
        // A stop string taken from the middle of one generation's free-running text.
        SamplingParams stopping = new SamplingParams(0.9f, 30, 1f, 0f, 1f, 0f, 0f, noEnd(), 21);
        String free = run(new Job(request(2, 34, stopping, List.of()), 0), null).result().text();
        String stop = free.substring(free.length() / 2, free.length() / 2 + 3);

        List<Job> jobs = List.of(
                new Job(request(0, 30, neverEnds(1), List.of()), 0),
                new Job(request(1, 25, SamplingParams.of(0.7f, 0, 0.9f, 5), List.of()), 0),
                new Job(request(2, 30, SamplingParams.greedy(), List.of()), 0),
                new Job(request(2, 34, stopping, List.of(stop)), 0),
                new Job(request(1, 30, neverEnds(8), List.of()), 6));   // cancelled after 6 tokens
        Job joinsLate = new Job(request(0, 20, new SamplingParams(1.3f, 0, 0.8f, 0.05f, 1.2f, 0f, 0f, noEnd(), 33),
                List.of()), 0);

        List<GenerationResult> alone = new ArrayList<>();
        for (Job job : jobs) {
            Outcome o = run(job, null);
            assertThat(o.largestBatch()).isEqualTo(1);
            alone.add(o.result());
        }
        GenerationResult lateAlone = run(joinsLate, null).result();

        ExecutorService pool = Executors.newFixedThreadPool(jobs.size() + 1);
        try {
            CountDownLatch firstIsHalfWay = new CountDownLatch(1);
            List<Future<Outcome>> together = new ArrayList<>();
            for (int j = 0; j < jobs.size(); j++) {
                Job job = jobs.get(j);
                together.add(pool.submit(() -> run(job, job == jobs.get(0) ? firstIsHalfWay : null)));
            }
            assertThat(firstIsHalfWay.await(30, TimeUnit.SECONDS)).isTrue();
            Future<Outcome> late = pool.submit(() -> run(joinsLate, null));

            int largest = 0;
            for (int j = 0; j < jobs.size(); j++) {
                Outcome o = together.get(j).get(60, TimeUnit.SECONDS);
                assertSame(o.result(), alone.get(j), "job " + j);
                largest = Math.max(largest, o.largestBatch());
            }
            Outcome lateOutcome = late.get(60, TimeUnit.SECONDS);
            assertSame(lateOutcome.result(), lateAlone, "the job that joined late");
            assertThat(largest).as("some steps ran several generations at once").isGreaterThan(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(alone.get(4).finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(alone.get(3).finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void aTracedGenerationDecodesAloneBesideTheBatchWithTheSameTokens() throws Exception {
        GenerationRequest traced = new GenerationRequest(prompt(1), 15, SamplingParams.of(1f, 0, 0.95f, 4), List.of(), Set.of(),
                TraceOptions.full(), null);
        GenerationRequest plain = request(0, 30, neverEnds(2), List.of());
        GenerationResult tracedAlone = engine.generate(traced, null, null);
        GenerationResult plainAlone = engine.generate(plain, null, null);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Outcome> a = pool.submit(() -> run(new Job(traced, 0), null));
            Future<Outcome> b = pool.submit(() -> run(new Job(plain, 0), null));
            Outcome tracedTogether = a.get(60, TimeUnit.SECONDS);
            assertSame(tracedTogether.result(), tracedAlone, "traced");
            assertThat(tracedTogether.largestBatch()).as("captured layers take the single path").isEqualTo(1);
            assertSame(b.get(60, TimeUnit.SECONDS).result(), plainAlone, "plain");
        } finally {
            pool.shutdownNow();
        }
    }

    static void assertSame(GenerationResult actual, GenerationResult expected, String what) {
        assertThat(actual.completion()).as(what + ": tokens").containsExactly(expected.completion());
        assertThat(actual.text()).as(what + ": text").isEqualTo(expected.text());
        assertThat(actual.finishReason()).as(what + ": finish reason").isEqualTo(expected.finishReason());
    }
}
