package glassbox.model.infer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import glassbox.model.infer.constraint.TokenSource;
import glassbox.model.math.Softmax;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.train.Kernels;

/**
 * Rebuilds attention rows and the logit lens from the residual stream jlama computes. For each
 * layer it keeps every position's rotated key (recomputed from the captured layer input with the
 * same weights), so a query row is one softmax over the keys so far: the same arithmetic as the
 * model, done a second time (on the trainer's Vector-API kernels) only when a trace asks for it.
 * With {@code residual} on it also keeps every position's value vectors and rebuilds what attention adds to the residual
 * stream, so the stream can be read between a block's attention and its MLP (jlama runs both in
 * one call).
 */
final class TraceRecorder implements LayerCapture {
    private final ProbeWeights w;
    private final TraceOptions options;
    private final BpeTokenizer tokenizer;
    private final int firstTracedPosition;
    private final int promptMatrixLimit;
    private final boolean lens;
    private final boolean residual;
    private final List<List<float[]>> keys = new ArrayList<>();
    private final List<List<float[]>> values = new ArrayList<>();
    /** position -> [layer] residual stream entering that layer; index layers: leaving the last one */
    private final Map<Integer, float[][]> streams = new HashMap<>();
    /** position -> [layer] residual stream after that layer's attention, before its MLP */
    private final Map<Integer, float[][]> afterAttention = new HashMap<>();
    /** position -> [layer][head][key position] */
    private final Map<Integer, float[][][]> attention = new HashMap<>();
    /** position -> [layer] residual stream after that layer */
    private final Map<Integer, float[][]> outputs = new HashMap<>();

    /**
     * @param firstTracedPosition attention rows are kept from this position on (the last prompt
     *                            position, which predicts the first generated token)
     * @param promptMatrixLimit   and for every position below this limit (the prompt matrix)
     */
    TraceRecorder(ProbeWeights w, int firstTracedPosition, int promptMatrixLimit, boolean lens) {
        this(w, firstTracedPosition, promptMatrixLimit, lens, false);
    }

    /** With {@code residual}, attention rows must be recorded at every position (firstTracedPosition 0). */
    TraceRecorder(ProbeWeights w, int firstTracedPosition, int promptMatrixLimit, boolean lens, boolean residual) {
        this(w, firstTracedPosition, promptMatrixLimit, lens, residual, TraceOptions.OFF, null);
    }

    private TraceRecorder(ProbeWeights w, int firstTracedPosition, int promptMatrixLimit, boolean lens, boolean residual,
                          TraceOptions options, BpeTokenizer tokenizer) {
        this.options = options;
        this.tokenizer = tokenizer;
        this.w = w;
        this.firstTracedPosition = firstTracedPosition;
        this.promptMatrixLimit = promptMatrixLimit;
        this.lens = lens;
        this.residual = residual;
        if (residual && firstTracedPosition != 0) {
            throw new IllegalArgumentException("the residual stream needs attention rows at every position");
        }
        for (int l = 0; w != null && l < w.layers(); l++) {
            keys.add(new ArrayList<>());
            values.add(new ArrayList<>());
        }
    }

    /**
     * The recorder of one generation. Attention rows are kept for the prompt matrix (its first
     * {@link TraceOptions#MAX_PROMPT_ATTENTION_TOKENS} positions) and from the last prompt position
     * on; the probe weights are loaded only when attention or the lens is asked for.
     */
    static TraceRecorder forGeneration(TraceOptions options, Supplier<ProbeWeights> probe, int promptLength, BpeTokenizer tokenizer) {
        ProbeWeights w = options.needsCapture() ? probe.get() : null;
        int matrixRows = options.attention() ? Math.min(promptLength, TraceOptions.MAX_PROMPT_ATTENTION_TOKENS) : 0;
        return new TraceRecorder(w, promptLength - 1, matrixRows, options.logitLens(), false, options, tokenizer);
    }

    /** What to hand the model during forward passes: this recorder, or null when nothing is recomputed (the fast path). */
    LayerCapture capture() {
        return w == null ? null : this;
    }

    /**
     * The trace of generated token {@code index} at {@code position}: the sampler's step and
     * candidates, and, when asked for, the attention rows and logit lens of the position that
     * predicted it.
     */
    TokenTrace tokenTrace(int index, int position, SamplingStep step, TokenSource source, long micros) {
        List<CandidateTrace> candidates = new ArrayList<>();
        // The sampler lists the top candidates (plus, under a constraint, the best allowed ones).
        for (Candidate c : options.topCandidates() == 0 ? List.<Candidate>of() : step.candidates()) {
            candidates.add(new CandidateTrace(c.id(), tokenizer.tokenText(c.id()), c.logit(), c.prob(), c.allowed(), c.keptByTopK(),
                    c.keptByTopP(), c.keptByMinP()));
        }
        float[][][] rows = options.attention() ? attentionAt(position - 1) : null;
        List<LensLayer> lensLayers = options.logitLens() ? lensAt(position - 1, TraceOptions.LENS_TOP, tokenizer::tokenText) : null;
        int id = step.tokenId();
        return new TokenTrace(index, position, id, tokenizer.tokenText(id), tokenizer.unsignedBytes(id), step.prob(), step.logprob(),
                step.entropy(), step.sampledProb(), Double.isNaN(step.draw()) ? null : step.draw(), step.survivors(), candidates, micros,
                rows, lensLayers, step.constraintCut(), source);
    }

    /** [layer][head][query][key] over the prompt's first {@code promptMatrixLimit} positions; null when attention is not traced. */
    float[][][][] promptAttention() {
        if (!options.attention() || promptMatrixLimit == 0) {
            return null;
        }
        float[][][] first = attentionAt(0);
        float[][][][] out = new float[first.length][first[0].length][promptMatrixLimit][];
        for (int q = 0; q < promptMatrixLimit; q++) {
            float[][][] a = attentionAt(q);
            for (int l = 0; l < a.length; l++) {
                for (int h = 0; h < a[l].length; h++) {
                    out[l][h][q] = a[l][h];
                }
            }
        }
        return out;
    }

    @Override
    public void layerInput(int layer, int position, float[] hidden) {
        if (lens && layer > 0 && position >= firstTracedPosition) {
            outputs.computeIfAbsent(position, p -> new float[w.layers()][])[layer - 1] = hidden;
        }
        float[] x = w.rmsNorm(hidden, w.attnNorm()[layer]);
        float[] k = ProbeWeights.matVec(w.wk()[layer], x);
        w.rope(k, position);
        List<float[]> layerKeys = keys.get(layer);
        while (layerKeys.size() <= position) {
            layerKeys.add(null);
        }
        layerKeys.set(position, k);
        if (residual) {
            List<float[]> layerValues = values.get(layer);
            while (layerValues.size() <= position) {
                layerValues.add(null);
            }
            layerValues.set(position, ProbeWeights.matVec(w.wv()[layer], x));
            streams.computeIfAbsent(position, p -> new float[w.layers() + 1][])[layer] = hidden;
        }
        if (position >= firstTracedPosition || position < promptMatrixLimit) {
            float[] q = ProbeWeights.matVec(w.wq()[layer], x);
            w.rope(q, position);
            float[][] rows = rows(q, layerKeys, position);
            attention.computeIfAbsent(position, p -> new float[w.layers()][][])[layer] = rows;
            if (residual) {
                afterAttention.computeIfAbsent(position, p -> new float[w.layers()][])[layer] =
                        addAttention(hidden, rows, values.get(layer), w.wo()[layer]);
            }
        }
    }

    /**
     * hidden + Wo · concat over heads of (Σ_j row[h][j] · v_j[h's key/value group]):
     * the residual stream after a block's attention. rows [heads][pos+1], values [pos+1][kvHeads·d].
     */
    private float[] addAttention(float[] hidden, float[][] rows, List<float[]> layerValues, float[][] wo) {
        int d = w.headDim();
        int group = w.heads() / w.kvHeads();
        float[] mixed = new float[w.heads() * d];
        for (int h = 0; h < w.heads(); h++) {
            int kvBase = (h / group) * d;
            for (int j = 0; j < rows[h].length; j++) {
                Kernels.axpy(rows[h][j], layerValues.get(j), kvBase, mixed, h * d, d);
            }
        }
        float[] out = ProbeWeights.matVec(wo, mixed);
        for (int i = 0; i < out.length; i++) {
            out[i] += hidden[i];
        }
        return out;
    }

    @Override
    public void finalOutput(int position, float[] hidden) {
        if (lens && position >= firstTracedPosition) {
            outputs.computeIfAbsent(position, p -> new float[w.layers()][])[w.layers() - 1] = hidden;
        }
        if (residual) {
            streams.computeIfAbsent(position, p -> new float[w.layers() + 1][])[w.layers()] = hidden;
        }
    }

    /** [layer + 1][hidden] at {@code position}: the stream entering each block, then leaving the last; null when not recorded. */
    float[][] streamAt(int position) {
        return streams.get(position);
    }

    /** [layer][hidden] at {@code position}: the stream after each block's attention; null when not recorded. */
    float[][] afterAttentionAt(int position) {
        return afterAttention.get(position);
    }

    /** softmax(q·k / √d) over positions 0..pos for every head; a query head reads its group's key head. */
    private float[][] rows(float[] q, List<float[]> layerKeys, int pos) {
        int d = w.headDim();
        int group = w.heads() / w.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(d));
        float[][] out = new float[w.heads()][pos + 1];
        for (int h = 0; h < w.heads(); h++) {
            int kvBase = (h / group) * d;
            for (int j = 0; j <= pos; j++) {
                out[h][j] = Kernels.dot(q, h * d, layerKeys.get(j), kvBase, d);
            }
            Softmax.inPlace(out[h], 0, pos + 1, scale);
        }
        return out;
    }

    /** [layer][head][key position] for the query at {@code position}, or null when not recorded. */
    float[][][] attentionAt(int position) {
        return attention.get(position);
    }

    /** Each layer's top tokens when its output is read through the final norm and output head. */
    List<LensLayer> lensAt(int position, int top, java.util.function.IntFunction<String> text) {
        float[][] outs = outputs.get(position);
        if (outs == null) {
            return List.of();
        }
        List<LensLayer> layers = new ArrayList<>();
        for (int l = 0; l < outs.length; l++) {
            if (outs[l] == null) {
                continue;
            }
            float[] logits = ProbeWeights.matVec(w.head(), w.rmsNorm(outs[l], w.finalNorm()));
            layers.add(new LensLayer(l, ScoredToken.top(logits, top, text)));
        }
        return layers;
    }
}
