package glassbox.model.infer;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;

import glassbox.model.infer.constraint.Constraint;
import glassbox.model.infer.constraint.TokenSource;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.SpecialToken;

/**
 * Generation on jlama: batched prefill ({@code batchForward}), then one {@code forward} per token
 * on a KV buffer, with Glassbox's own sampler, stop handling, sessions, slots and traces around it.
 * jlama's {@code generate} is not used: it knows only temperature and cannot be seeded.
 *
 * <p>Forward passes on one jlama model are serialised under one (fair) lock: jlama keeps
 * per-instance scratch state. Concurrent generations (one per slot) decode together: each decode
 * step hands its token to the {@link DecodeBatcher}, which runs one batched forward over every
 * generation waiting at that moment (continuous batching); prefills run between those steps, on
 * the same batched kernels (a prompt's positions as the rows of one step, in chunks).
 * A generation that captures layers for attention or lens traces, or a model without the fast
 * decoder, takes the single-sequence step instead.
 */
public final class Engine implements AutoCloseable {
    /** How often a waiting request checks whether its client is still there. */
    public static final long ABANDON_CHECK_MILLIS = SlotQueue.ABANDON_CHECK_MILLIS;
    private final LoadedModel model;
    private final EngineOptions options;
    private final KvBufferCache kvCache;
    private final KvSessions sessions;
    private final ReentrantLock modelLock = new ReentrantLock(true);   // fair: a waiting prefill goes before the next decode step
    private final DecodeBatcher batcher;   // null without the fast decoder
    /** Prompt positions per prefill step on the fast decoder: decode steps of running generations run between chunks. */
    static final int PREFILL_CHUNK = 64;
    private final SlotQueue slots;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong tokensGenerated = new AtomicLong();
    private final AtomicLong decodeNanos = new AtomicLong();
    private final Set<Integer> endTokens;
    private volatile ProbeWeights probe;

    private Engine(LoadedModel model, EngineOptions options) {
        this.model = model;
        this.options = options;
        this.kvCache = new KvBufferCache(model.jlama());
        this.sessions = new KvSessions(options.kvBudgetBytes(), model.info().kvBytesPerToken() * model.info().contextLength());
        this.slots = new SlotQueue(options.slots(), options.queueSize(), options.queueTimeout());
        BpeTokenizer t = model.tokenizer();
        this.endTokens = Set.of(t.id(SpecialToken.EOS), t.id(SpecialToken.END));
        FastDecoder fast = model.jlama().fastDecoder();
        this.batcher = fast == null ? null : new DecodeBatcher(fast, modelLock);
    }

    public static Engine load(Path dir, EngineOptions options) throws IOException {
        return new Engine(LoadedModel.load(dir, options.threads()), options);
    }

    public ModelInfo info() {
        return model.info();
    }

    public BpeTokenizer tokenizer() {
        return model.tokenizer();
    }

    public Path modelDir() {
        return model.info().dir();
    }

    /** Refuses a prompt that cannot fit before any work is done (summed in long: a max of 2^31-1 must not wrap). */
    public void checkFits(int promptTokens, int maxTokens) {
        int ctx = model.info().contextLength();
        if ((long) promptTokens + maxTokens > ctx) {
            throw new ContextLengthExceededException(promptTokens, maxTokens, ctx);
        }
    }

    /**
     * Generates until a stop token, a stop string, {@code maxTokens} or cancellation.
     *
     * @throws ContextLengthExceededException prompt + max tokens exceed the context (nothing ran)
     * @throws EngineBusyException            all slots busy and the queue full (nothing ran)
     */
    public GenerationResult generate(GenerationRequest req, GenerationListener listener, BooleanSupplier cancelled) {
        validate(req);
        Slot slot = acquire();
        if (slot == null) {
            return new GenerationResult(req.prompt(), new int[0], "", FinishReason.CANCELLED, 0, List.of(), null, 0, 0);
        }
        try (slot) {
            return runOnSlot(req, listener, cancelled);
        }
    }

    /** Everything that refuses a request before any work: the context limit and token ids in the vocabulary. */
    private void validate(GenerationRequest req) {
        checkFits(req.prompt().length, req.maxTokens());
        checkIds(req.prompt());
    }

    private void checkIds(int[] prompt) {
        int vocab = model.info().vocabSize();
        for (int id : prompt) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (vocab - 1) + ")");
            }
        }
    }

    /** A generation slot held by a caller, e.g. taken before an HTTP stream starts so "busy" can still be a 429. */
    public final class Slot implements AutoCloseable {
        private boolean released;

        private Slot() {
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                slots.release();
            }
        }
    }

    /**
     * Takes a slot, waiting in the bounded queue if all are busy.
     *
     * @return the slot, or null if the wait was interrupted
     * @throws EngineBusyException when the queue is full
     */
    public Slot acquire() {
        return acquire(() -> false);
    }

    /**
     * Like {@link #acquire()}, but leaves the queue when {@code abandoned} turns true (its client
     * went away), checked every {@link #ABANDON_CHECK_MILLIS} ms while waiting.
     *
     * @return the slot, or null if the wait was interrupted or abandoned
     */
    public Slot acquire(BooleanSupplier abandoned) {
        return slots.acquire(abandoned) ? new Slot() : null;
    }

    /** Generates on a slot the caller already holds (and releases). */
    public GenerationResult generate(GenerationRequest req, GenerationListener listener, BooleanSupplier cancelled, Slot slot) {
        if (slot == null || slot.released) {
            throw new IllegalStateException("generation needs a held slot");
        }
        validate(req);
        return runOnSlot(req, listener, cancelled);
    }

    private GenerationResult runOnSlot(GenerationRequest req, GenerationListener listener, BooleanSupplier cancelled) {
        active.incrementAndGet();
        try {
            return run(req, listener == null ? GenerationListener.NONE : listener, cancelled == null ? () -> false : cancelled);
        } finally {
            active.decrementAndGet();
        }
    }

    /**
     * The generate loop, as in llama2.c: forward the prompt, then per token sample → emit → forward
     * that token, until an end token, a stop string, the constraint's end, {@code maxTokens} or
     * cancellation.
     */
    private GenerationResult run(GenerationRequest req, GenerationListener listener, BooleanSupplier cancelled) {
        int[] prompt = req.prompt();
        int n = prompt.length;
        // Attention and the lens are recomputed from captured layers, so they need every position
        // to pass through the model in this request: a traced request starts a fresh cache.
        String sessionId = req.trace().needsCapture() ? null : req.sessionId();
        KvSessions.Session session = sessionId != null ? sessions.take(sessionId, kvCache::getEphemeralKvBuffer)
                : new KvSessions.Session(kvCache.getEphemeralKvBuffer());
        try {
            int reused = Math.min(commonPrefix(session.tokens, prompt), n - 1);
            // From here on the cache past `reused` is overwritten: until this run completes, only the
            // reused prefix is known good, so a run that throws half-way leaves no stale prefix behind.
            session.tokens = Arrays.copyOf(prompt, reused);
            TraceRecorder recorder = TraceRecorder.forGeneration(req.trace(), this::probe, n, model.tokenizer());
            Sampler sampler = new Sampler(req.sampling(), Math.max(req.trace().topCandidates(), 1));
            Constraint constraint = req.constraint() == null ? null : req.constraint().get();
            int[] counts = tokenCounts(prompt);
            GenerationOutput out = new GenerationOutput(model.tokenizer().streamDecoder(), new StopStrings(req.stop()), listener);
            int[] fed = Arrays.copyOf(prompt, n + req.maxTokens());

            long t0 = System.nanoTime();
            float[] logits = prefill(Arrays.copyOfRange(prompt, reused, n), reused, session.kv, recorder.capture());
            double prefillMillis = (System.nanoTime() - t0) / 1e6;
            int fedCount = n;

            FinishReason finish = FinishReason.LENGTH;
            long decodeStart = System.nanoTime();
            long tokenStart = decodeStart;
            int batchSize = 1;   // rows in the forward pass that gave `logits`
            try (DecodeBatcher.Lane lane = decodeLane(recorder.capture())) {
                for (int i = 0; i < req.maxTokens(); i++) {
                    if (cancelled.getAsBoolean()) {
                        finish = FinishReason.CANCELLED;
                        break;
                    }
                    // sample: the constraint says which tokens may come next, the sampler picks one
                    BitSet allowed = constraint == null ? null : constraint.allowed();
                    if (allowed != null && allowed.isEmpty()) {
                        finish = FinishReason.STOP;   // the constraint has nothing left to say: the answer is complete
                        break;
                    }
                    SamplingStep step = sampler.next(logits, counts, allowed);
                    int id = step.tokenId();
                    int position = n + i;
                    TokenSource source = constraint == null ? null : constraint.accept(id);
                    TokenTrace trace = recorder.tokenTrace(i, position, step, source, (System.nanoTime() - tokenStart) / 1000);
                    if (endTokens.contains(id) || req.stopTokens().contains(id)) {
                        finish = FinishReason.STOP;
                        break;
                    }
                    // decode and emit
                    listener.onToken(i, System.nanoTime() - (i == 0 ? t0 : tokenStart), batchSize);
                    counts[id]++;
                    tokensGenerated.incrementAndGet();
                    if (out.emit(id, trace)) {
                        finish = FinishReason.STOP;
                        break;
                    }
                    if (i == req.maxTokens() - 1) {
                        break;
                    }
                    // forward the new token (with the other generations decoding now, or alone)
                    tokenStart = System.nanoTime();
                    DecodeBatcher.Step next = lane.decode(id, position, session.kv);
                    logits = next.logits();
                    batchSize = next.batchSize();
                    fed[fedCount++] = id;
                }
            }
            out.finish();
            long decodeTime = System.nanoTime() - decodeStart;
            decodeNanos.addAndGet(decodeTime);
            session.tokens = Arrays.copyOf(fed, fedCount);
            return new GenerationResult(prompt, out.completion(), out.text(), finish, reused, out.traces(), recorder.promptAttention(),
                    prefillMillis, decodeTime / 1e6);
        } finally {
            if (sessionId != null) {
                sessions.release(sessionId, session);
            } else {
                session.kv.close();
            }
        }
    }

    /** How often each token occurs in {@code prompt}, {@code [vocab]} (the repetition penalties' counts). */
    private int[] tokenCounts(int[] prompt) {
        int[] counts = new int[model.info().vocabSize()];
        for (int id : prompt) {
            counts[id]++;
        }
        return counts;
    }

    /** Raw next-token logits after {@code prompt}, on a fresh cache (the sampling playground's input). */
    public float[] nextTokenLogits(int[] prompt) {
        checkFits(prompt.length, 0);   // reading the next token's logits needs no extra position
        if (!acquireSlot()) {
            throw new IllegalStateException("interrupted while waiting for a slot");
        }
        try (KvBufferCache.KvBuffer kv = kvCache.getEphemeralKvBuffer()) {
            return prefill(prompt, 0, kv, null);
        } finally {
            slots.release();
        }
    }

    /**
     * Raw logits at every position of {@code prompt}, {@code [n][vocab]}: row {@code i} scores the
     * token after position {@code i} (one batched prefill on a fresh cache, like {@link #nextTokenLogits}).
     */
    public float[][] positionLogits(int[] prompt) {
        return onFreshCache(prompt, (kv, p) -> forwardAll(p, kv, null, true));
    }

    /**
     * Reads {@code prompt} through the trace machinery without generating: every attention row, the
     * logit lens at every position ({@code lensTop} guesses per layer, 0 for none) and, with
     * {@code residual}, the residual stream before and after each block's attention.
     */
    public Inspection inspect(int[] prompt, int lensTop, boolean residual) {
        int n = prompt.length;
        TraceRecorder recorder = new TraceRecorder(probe(), 0, n, lensTop > 0, residual);
        onFreshCache(prompt, (kv, p) -> forwardAll(p, kv, recorder, false));
        int layers = model.info().layers();
        float[][][][] attention = new float[layers][model.info().heads()][n][];
        List<List<LensLayer>> lens = new ArrayList<>();
        float[][][] stream = residual ? new float[layers + 1][n][] : null;
        float[][][] mid = residual ? new float[layers][n][] : null;
        for (int q = 0; q < n; q++) {
            float[][][] a = recorder.attentionAt(q);
            for (int l = 0; l < layers; l++) {
                for (int h = 0; h < a[l].length; h++) {
                    attention[l][h][q] = a[l][h];
                }
            }
            lens.add(lensTop > 0 ? recorder.lensAt(q, lensTop, model.tokenizer()::tokenText) : List.of());
            if (residual) {
                float[][] s = recorder.streamAt(q);
                float[][] m = recorder.afterAttentionAt(q);
                for (int l = 0; l <= layers; l++) {
                    stream[l][q] = s[l];
                    if (l < layers) {
                        mid[l][q] = m[l];
                    }
                }
            }
        }
        return new Inspection(prompt.clone(), attention, lens, stream, mid);
    }

    /**
     * A text's embedding: the mean over its positions of the final-normed hidden state (what the
     * output head reads), scaled to length 1, {@code [hidden]}.
     */
    public float[] embedding(int[] prompt) {
        ProbeWeights w = probe();
        int width = model.info().hiddenSize();
        double[] sum = new double[width];
        LayerCapture finals = new LayerCapture() {
            @Override
            public void layerInput(int layer, int position, float[] hidden) {
            }

            @Override
            public void finalOutput(int position, float[] hidden) {
                float[] normed = w.rmsNorm(hidden, w.finalNorm());
                for (int i = 0; i < width; i++) {
                    sum[i] += normed[i];
                }
            }
        };
        onFreshCache(prompt, (kv, p) -> forwardAll(p, kv, finals, false));
        double length = 0;
        for (double x : sum) {
            length += x * x;
        }
        length = Math.sqrt(length);
        float[] out = new float[width];
        for (int i = 0; i < width; i++) {
            out[i] = length == 0 ? 0f : (float) (sum[i] / length);
        }
        return out;
    }

    /** The token embedding table (tied to the output head in course-tiny), for the lab's neighbours and projections. */
    public EmbeddingTable embeddingTable() {
        return new EmbeddingTable(probe().embed());
    }

    /** Runs {@code work} on a fresh KV cache under a slot, after the checks every request gets. */
    private <T> T onFreshCache(int[] prompt, java.util.function.BiFunction<KvBufferCache.KvBuffer, int[], T> work) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        checkFits(prompt.length, 0);   // reading a position's outputs needs no extra position
        checkIds(prompt);
        if (!acquireSlot()) {
            throw new IllegalStateException("interrupted while waiting for a slot");
        }
        try (KvBufferCache.KvBuffer kv = kvCache.getEphemeralKvBuffer()) {
            return work.apply(kv, prompt);
        } finally {
            slots.release();
        }
    }

    /** One batched forward pass; with {@code allRows} the logits of every position, else null (the capture keeps what it needs). */
    private float[][] forwardAll(int[] tokens, KvBufferCache.KvBuffer kv, LayerCapture capture, boolean allRows) {
        modelLock.lock();
        try {
            model.jlama().capture(capture);
            try (AbstractTensor out = model.jlama().batchForward(tokens, 0, kv)) {
                if (!allRows) {
                    return null;
                }
                float[][] rows = new float[out.shape().first()][];
                for (int r = 0; r < rows.length; r++) {
                    rows[r] = logits(out, r);
                }
                return rows;
            } finally {
                model.jlama().capture(null);
            }
        } finally {
            modelLock.unlock();
        }
    }

    /**
     * Reads {@code tokens} at positions {@code start..} into {@code kv}; returns the logits after the
     * last. On the fast decoder, in chunks of {@link #PREFILL_CHUNK} positions, each one batched
     * step (a prompt's positions are rows of one batch on one cache), releasing the model lock
     * between chunks so the running generations' decode steps go on beside a long prompt; a capture
     * (attention, lens) receives the layers as they pass. Without the fast decoder, jlama's layer
     * loop in one pass.
     */
    private float[] prefill(int[] tokens, int start, KvBufferCache.KvBuffer kv, LayerCapture capture) {
        FastDecoder fast = model.jlama().fastDecoder();
        if (fast != null) {
            float[] logits = new float[model.info().vocabSize()];
            for (int from = 0; from < tokens.length; from += PREFILL_CHUNK) {
                int to = Math.min(tokens.length, from + PREFILL_CHUNK);
                int[] chunk = Arrays.copyOfRange(tokens, from, to);
                int[] positions = new int[chunk.length];
                KvBufferCache.KvBuffer[] kvs = new KvBufferCache.KvBuffer[chunk.length];
                for (int r = 0; r < chunk.length; r++) {
                    positions[r] = start + from + r;
                    kvs[r] = kv;
                }
                modelLock.lock();
                try {
                    float[][] hidden = fast.forward(chunk, positions, kvs, capture);
                    if (to == tokens.length) {
                        fast.logits(hidden[chunk.length - 1], logits);
                    }
                } finally {
                    modelLock.unlock();
                }
            }
            return logits;
        }
        modelLock.lock();
        try {
            model.jlama().capture(capture);
            try (AbstractTensor out = model.jlama().batchForward(tokens, start, kv)) {
                return logits(out, out.shape().first() - 1);
            } finally {
                model.jlama().capture(null);
            }
        } finally {
            modelLock.unlock();
        }
    }

    /**
     * Where a generation's decode steps run, from after its prefill to its end: in the shared batch,
     * or alone when layers are captured (attention and lens traces; on the fast decoder's kernels
     * too, so a traced generation draws the same tokens) or without the fast decoder.
     */
    private DecodeBatcher.Lane decodeLane(LayerCapture capture) {
        if (capture == null && batcher != null) {
            return batcher.join();
        }
        return new DecodeBatcher.Lane() {
            @Override
            public DecodeBatcher.Step decode(int token, int position, KvBufferCache.KvBuffer kv) {
                return new DecodeBatcher.Step(decodeOne(token, position, kv, capture), 1);
            }

            @Override
            public void close() {
            }
        };
    }

    private float[] decodeOne(int token, int position, KvBufferCache.KvBuffer kv, LayerCapture capture) {
        FastDecoder fast = model.jlama().fastDecoder();
        modelLock.lock();
        try {
            if (fast != null) {
                float[] logits = new float[model.info().vocabSize()];
                fast.logits(fast.forward(new int[] {token}, new int[] {position}, new KvBufferCache.KvBuffer[] {kv}, capture)[0], logits);
                return logits;
            }
            model.jlama().capture(capture);
            try (AbstractTensor out = model.jlama().forward(token, position, kv, java.util.Optional.empty())) {
                return logits(out, 0);
            } finally {
                model.jlama().capture(null);
            }
        } finally {
            modelLock.unlock();
        }
    }

    /** Raw logits of one row: jlama's {@code sample} at temperature 0 leaves them in the scratch tensor. */
    private float[] logits(AbstractTensor hidden, int row) {
        int vocab = model.info().vocabSize();
        try (AbstractTensor rowTensor = hidden.shape().first() == 1 ? null : hidden.slice(row);
             AbstractTensor scratch = model.jlama().makeDenseTensor(vocab)) {
            model.jlama().sample(rowTensor == null ? hidden : rowTensor, 0f, 0f, scratch);
            return scratch.getMemorySegment().asSlice(0, (long) vocab * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    private ProbeWeights probe() {
        ProbeWeights p = probe;
        if (p == null) {
            synchronized (this) {
                if (probe == null) {
                    probe = ProbeWeights.load(model.jlama().getWeights(), model.info());
                }
                p = probe;
            }
        }
        return p;
    }

    private boolean acquireSlot() {
        return slots.acquire(() -> false);
    }

    private static int commonPrefix(int[] a, int[] b) {
        int i = 0;
        while (i < a.length && i < b.length && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    public boolean closeSession(String id) {
        return sessions.close(id);
    }

    public boolean hasSession(String id) {
        return sessions.contains(id);
    }

    public EngineStats stats() {
        return new EngineStats(active.get(), slots.queued(), sessions.count(), sessions.bytes(), sessions.evictions(),
                tokensGenerated.get(), decodeNanos.get() / 1e9);
    }

    @Override
    public void close() {
        sessions.closeAll();
        kvCache.close();
        model.jlama().close();
    }
}
