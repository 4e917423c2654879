package glassbox.model.infer;

import com.github.tjake.jlama.safetensors.WeightLoader;
import com.github.tjake.jlama.tensor.AbstractTensor;

import glassbox.model.train.Kernels;

/**
 * Plain float copies of the weights a trace needs: each layer's attention norm and query/key/value
 * and output projections (to recompute attention rows and what attention adds to the residual
 * stream), the token embedding table, and the final norm and output head (for the logit lens).
 * Matrices keep Hugging Face's {@code [out, in]} layout. Read from the same safetensors file jlama
 * serves; only loaded when tracing or a lab view asks for it.
 */
record ProbeWeights(int layers, int heads, int kvHeads, int headDim, float ropeTheta, float eps,
                    float[][] attnNorm, float[][][] wq, float[][][] wk, float[][][] wv, float[][][] wo,
                    float[][] embed, float[] finalNorm, float[][] head) {

    static ProbeWeights load(WeightLoader w, ModelInfo info) {
        int layers = info.layers();
        float[][] attnNorm = new float[layers][];
        float[][][] wq = new float[layers][][];
        float[][][] wk = new float[layers][][];
        float[][][] wv = new float[layers][][];
        float[][][] wo = new float[layers][][];
        for (int l = 0; l < layers; l++) {
            String base = "model.layers." + l + ".";
            attnNorm[l] = vector(w.load(base + "input_layernorm.weight"));
            wq[l] = matrix(w.load(base + "self_attn.q_proj.weight"));
            wk[l] = matrix(w.load(base + "self_attn.k_proj.weight"));
            wv[l] = matrix(w.load(base + "self_attn.v_proj.weight"));
            wo[l] = matrix(w.load(base + "self_attn.o_proj.weight"));
        }
        float[][] embed = matrix(w.load("model.embed_tokens.weight"));   // [vocab, hidden]
        // Tied models (course-tiny) read the output head from the embedding: one copy serves both.
        float[][] head = w.isWeightPresent("lm_head.weight") ? matrix(w.load("lm_head.weight")) : embed;
        return new ProbeWeights(layers, info.heads(), info.kvHeads(), info.hiddenSize() / info.heads(), info.ropeTheta(),
                info.rmsNormEps(), attnNorm, wq, wk, wv, wo, embed, vector(w.load("model.norm.weight")), head);
    }

    private static float[] vector(AbstractTensor t) {
        int n = (int) t.shape().size();
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = t.shape().dims() == 1 ? t.get(i) : t.get(0, i);
        }
        return v;
    }

    private static float[][] matrix(AbstractTensor t) {
        int rows = t.shape().first();
        int cols = t.shape().last();
        float[][] m = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m[r][c] = t.get(r, c);
            }
        }
        return m;
    }

    /** RMSNorm with a learned gain: {@code x / sqrt(mean(x²) + eps) * g}. */
    float[] rmsNorm(float[] x, float[] gain) {
        double ss = 0;
        for (float v : x) {
            ss += (double) v * v;
        }
        float scale = (float) (1.0 / Math.sqrt(ss / x.length + eps));
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale * gain[i];
        }
        return out;
    }

    /** m · x for m {@code [out][in]}, on the trainer's Vector-API kernel. */
    static float[] matVec(float[][] m, float[] x) {
        float[] out = new float[m.length];
        Kernels.matVec(m, x, out);
        return out;
    }

    /** Hugging Face "rotate-half" RoPE on every head of {@code v}, in place. */
    void rope(float[] v, int position) {
        int half = headDim / 2;
        float[] cos = new float[half];
        float[] sin = new float[half];
        for (int i = 0; i < half; i++) {   // the same angles for every head
            double angle = position * Math.pow(ropeTheta, -2.0 * i / headDim);
            cos[i] = (float) Math.cos(angle);
            sin[i] = (float) Math.sin(angle);
        }
        for (int h = 0; h < v.length / headDim; h++) {
            int base = h * headDim;
            for (int i = 0; i < half; i++) {
                float a = v[base + i];
                float b = v[base + i + half];
                v[base + i] = a * cos[i] - b * sin[i];
                v[base + i + half] = b * cos[i] + a * sin[i];
            }
        }
    }
}
