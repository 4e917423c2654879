package glassbox.model.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * All parameters of the model in one flat array, so the optimizer, gradient clipping and
 * checkpoints treat them as one vector. Each tensor is a named slice.
 *
 * <p>Linear layers are stored transposed, as {@code [in, out]}, so the forward product
 * {@code x · W} runs along contiguous rows; export transposes them back to Hugging Face's
 * {@code [out, in]}.
 */
public final class Weights {
    /** A named slice of the flat array; {@code rows x cols} in the trainer's layout. */
    public record Slice(String name, int offset, int rows, int cols, boolean linear, boolean decayed) {
        public int size() {
            return rows * cols;
        }
    }

    /** Offsets of one transformer block's tensors. */
    public record Layer(Slice attnNorm, Slice wq, Slice wk, Slice wv, Slice wo,
                        Slice mlpNorm, Slice wGate, Slice wUp, Slice wDown) {
    }

    public final ModelConfig config;
    public final float[] data;
    public final Slice embed;
    public final Slice finalNorm;
    public final Layer[] layers;
    public final List<Slice> slices;

    public Weights(ModelConfig c) {
        this.config = c;
        List<Slice> all = new ArrayList<>();
        int[] next = {0};
        int h = c.hiddenSize(), f = c.intermediateSize();
        embed = add(all, next, "model.embed_tokens.weight", c.vocabSize(), h, false, true);
        layers = new Layer[c.numLayers()];
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            layers[l] = new Layer(
                    add(all, next, p + "input_layernorm.weight", 1, h, false, false),
                    add(all, next, p + "self_attn.q_proj.weight", h, h, true, true),
                    add(all, next, p + "self_attn.k_proj.weight", h, h, true, true),
                    add(all, next, p + "self_attn.v_proj.weight", h, h, true, true),
                    add(all, next, p + "self_attn.o_proj.weight", h, h, true, true),
                    add(all, next, p + "post_attention_layernorm.weight", 1, h, false, false),
                    add(all, next, p + "mlp.gate_proj.weight", h, f, true, true),
                    add(all, next, p + "mlp.up_proj.weight", h, f, true, true),
                    add(all, next, p + "mlp.down_proj.weight", f, h, true, true));
        }
        finalNorm = add(all, next, "model.norm.weight", 1, h, false, false);
        slices = List.copyOf(all);
        data = new float[next[0]];
    }

    private static Slice add(List<Slice> all, int[] next, String name, int rows, int cols, boolean linear, boolean decayed) {
        Slice s = new Slice(name, next[0], rows, cols, linear, decayed);
        next[0] += s.size();
        all.add(s);
        return s;
    }

    /**
     * GPT-2 style initialisation: N(0, 0.02) for matrices, the two projections that write into
     * the residual stream scaled by 1/sqrt(2·layers) so its variance does not grow with depth,
     * norm gains 1.
     */
    public void initialize(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double residualScale = 1.0 / Math.sqrt(2.0 * config.numLayers());
        for (Slice s : slices) {
            boolean isNorm = s.rows() == 1;
            boolean residual = s.name().endsWith("o_proj.weight") || s.name().endsWith("down_proj.weight");
            double std = 0.02 * (residual ? residualScale : 1.0);
            for (int i = s.offset(); i < s.offset() + s.size(); i++) {
                data[i] = isNorm ? 1f : (float) (random.nextGaussian() * std);
            }
        }
    }

    public int size() {
        return data.length;
    }
}
