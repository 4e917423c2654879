package glassbox.model.export;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Writes an exported model directory (Hugging Face Llama layout, F32 safetensors) as a checkpoint
 * for llama2.c's {@code run.c}, so decode speed can be compared with C on the same weights.
 *
 * <p>The checkpoint ("version 0" of llama2.c): a header of seven little-endian int32
 * ({@code dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len}; a negative
 * vocab size marks a separate classifier), then float32 arrays, each stacked over layers:
 * token embedding, attention RMSNorm weights, wq, wk, wv, wo, FFN RMSNorm weights, w1 (gate),
 * w2 (down), w3 (up), final RMSNorm weight, two unused RoPE tables of {@code seq_len × head/2},
 * and the classifier only when it is not the embedding. Matrices stay {@code [out][in]}.
 *
 * <p>RoPE pairs differ: Hugging Face rotates element j of a head with j + head/2, run.c rotates
 * 2j with 2j + 1. Rows of wq and wk are therefore interleaved per head (row j → 2j, row
 * j + head/2 → 2j + 1), which gives the same attention scores. run.c hard-codes θ = 10,000.
 *
 * <p>The tokenizer file written beside it is for reading tokens back, not for encoding text:
 * piece i is the decimal id i and a space, so run.c's output is the list of generated ids.
 */
public final class Llama2cExport {
    /** The seven header fields, in file order. */
    public record Header(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocabSize, int seqLen, boolean sharedClassifier) {
        int[] fields() {
            return new int[] {dim, hiddenDim, layers, heads, kvHeads, sharedClassifier ? vocabSize : -vocabSize, seqLen};
        }
    }

    private Llama2cExport() {
    }

    /** Writes {@code checkpoint} (weights) and {@code tokenizer} (id pieces) for the model in {@code modelDir}. */
    public static Header export(Path modelDir, Path checkpoint, Path tokenizer) throws IOException {
        JsonNode cfg = new ObjectMapper().readTree(modelDir.resolve("config.json").toFile());
        double theta = cfg.path("rope_theta").asDouble(10_000);
        if (theta != 10_000) {
            throw new IOException("llama2.c's run.c assumes rope_theta 10000; this model has " + theta);
        }
        Map<String, Safetensors.Tensor> t = Safetensors.readF32(modelDir.resolve("model.safetensors"));
        int heads = cfg.path("num_attention_heads").asInt();
        int seqLen = cfg.has("glassbox_context_length") ? cfg.get("glassbox_context_length").asInt() : cfg.path("max_position_embeddings").asInt();
        Header h = new Header(cfg.path("hidden_size").asInt(), cfg.path("intermediate_size").asInt(), cfg.path("num_hidden_layers").asInt(),
                heads, cfg.path("num_key_value_heads").asInt(heads), cfg.path("vocab_size").asInt(), seqLen, !t.containsKey("lm_head.weight"));
        int headSize = h.dim() / h.heads();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(checkpoint), 1 << 20))) {
            for (int f : h.fields()) {
                out.writeInt(Integer.reverseBytes(f));
            }
            write(out, t.get("model.embed_tokens.weight").data());
            writeLayers(out, t, h, "input_layernorm.weight");
            for (int l = 0; l < h.layers(); l++) {
                write(out, interleaveRope(layer(t, l, "self_attn.q_proj.weight"), headSize, h.dim()));
            }
            for (int l = 0; l < h.layers(); l++) {
                write(out, interleaveRope(layer(t, l, "self_attn.k_proj.weight"), headSize, h.dim()));
            }
            writeLayers(out, t, h, "self_attn.v_proj.weight");
            writeLayers(out, t, h, "self_attn.o_proj.weight");
            writeLayers(out, t, h, "post_attention_layernorm.weight");
            writeLayers(out, t, h, "mlp.gate_proj.weight");
            writeLayers(out, t, h, "mlp.down_proj.weight");
            writeLayers(out, t, h, "mlp.up_proj.weight");
            write(out, t.get("model.norm.weight").data());
            write(out, new float[h.seqLen() * headSize]);   // the two legacy RoPE tables, unused by run.c
            if (!h.sharedClassifier()) {
                write(out, t.get("lm_head.weight").data());
            }
        }
        writeIdTokenizer(tokenizer, h.vocabSize());
        return h;
    }

    /**
     * Reorders the rows of a q or k projection {@code [heads·head][in]} from rotate-half pairs to
     * adjacent pairs: within each head, row j goes to 2j and row j + head/2 to 2j + 1.
     */
    static float[] interleaveRope(float[] w, int headSize, int cols) {
        int rows = w.length / cols;
        int half = headSize / 2;
        float[] out = new float[w.length];
        for (int head = 0; head < rows; head += headSize) {
            for (int j = 0; j < half; j++) {
                System.arraycopy(w, (head + j) * cols, out, (head + 2 * j) * cols, cols);
                System.arraycopy(w, (head + half + j) * cols, out, (head + 2 * j + 1) * cols, cols);
            }
        }
        return out;
    }

    private static float[] layer(Map<String, Safetensors.Tensor> t, int l, String name) throws IOException {
        Safetensors.Tensor tensor = t.get("model.layers." + l + "." + name);
        if (tensor == null) {
            throw new IOException("missing tensor model.layers." + l + "." + name);
        }
        return tensor.data();
    }

    private static void writeLayers(DataOutputStream out, Map<String, Safetensors.Tensor> t, Header h, String name) throws IOException {
        for (int l = 0; l < h.layers(); l++) {
            write(out, layer(t, l, name));
        }
    }

    private static void write(OutputStream out, float[] data) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(data);
        out.write(bb.array());
    }

    /** run.c's tokenizer file: max piece length, then per id a score, a length and the bytes. */
    static void writeIdTokenizer(Path file, int vocabSize) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(Integer.reverseBytes(String.valueOf(vocabSize - 1).length() + 1));
            for (int id = 0; id < vocabSize; id++) {
                byte[] piece = (id + " ").getBytes(StandardCharsets.US_ASCII);
                out.writeInt(Integer.reverseBytes(Float.floatToIntBits(0f)));
                out.writeInt(Integer.reverseBytes(piece.length));
                out.write(piece);
            }
        }
    }
}
