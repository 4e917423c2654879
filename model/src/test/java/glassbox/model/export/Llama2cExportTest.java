package glassbox.model.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed model written for llama2.c's run.c: the header carries the config, the file is
 * exactly as long as run.c's reader expects, sections sit at the offsets run.c computes, q and
 * k rows are interleaved per head for run.c's RoPE pairs, and the tokenizer file holds id pieces.
 * (That run.c then decodes the same greedy tokens is checked by {@code bench decode --anchor}.)
 */
class Llama2cExportTest {
    static final Path MODEL = Path.of("../models/course-tiny");

    @TempDir
    static Path dir;
    static Llama2cExport.Header header;
    static ByteBuffer file;
    static Map<String, Safetensors.Tensor> weights;

    @BeforeAll
    static void export() throws Exception {
        header = Llama2cExport.export(MODEL, dir.resolve("model.bin"), dir.resolve("tokenizer.bin"));
        file = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("model.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        weights = Safetensors.readF32(MODEL.resolve("model.safetensors"));
    }

    @Test
    void theHeaderCarriesTheConfig() {
        int[] fields = new int[7];
        for (int i = 0; i < 7; i++) {
            fields[i] = file.getInt(4 * i);
        }
        // dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size (positive: tied classifier), seq_len
        assertThat(fields).containsExactly(256, 688, 6, 8, 8, 4096, 1024);
        assertThat(header.sharedClassifier()).isTrue();
    }

    @Test
    void theFileHasTheSizeRunCReads() {
        long dim = 256, hidden = 688, layers = 6, vocab = 4096, seq = 1024, head = 32;
        long floats = vocab * dim + layers * dim                 // embedding, attention norms
                + layers * 4 * dim * dim                          // wq, wk, wv, wo (8 kv heads of 32)
                + layers * dim + layers * 3 * dim * hidden        // ffn norms, w1, w2, w3
                + dim + seq * head;                               // final norm, two RoPE tables of seq × head/2
        assertThat(file.capacity()).isEqualTo(7 * 4 + 4 * floats);
    }

    @Test
    void sectionsSitWhereRunCLooksAndQueryRowsAreInterleaved() {
        int dim = 256, layers = 6, head = 32;
        float[] embed = weights.get("model.embed_tokens.weight").data();
        assertThat(floats(28, 1000)).containsExactly(Arrays.copyOf(embed, 1000));
        long wq = 28 + 4L * (4096L * dim + layers * dim);
        float[] q0 = weights.get("model.layers.0.self_attn.q_proj.weight").data();
        // head 1, pair j = 3: run.c's rows 2j and 2j+1 are Hugging Face's rows j and j + head/2
        int h = 1, j = 3;
        assertThat(floats(wq + 4L * (h * head + 2 * j) * dim, dim)).containsExactly(Arrays.copyOfRange(q0, (h * head + j) * dim, (h * head + j + 1) * dim));
        assertThat(floats(wq + 4L * (h * head + 2 * j + 1) * dim, dim))
                .containsExactly(Arrays.copyOfRange(q0, (h * head + j + 16) * dim, (h * head + j + 17) * dim));
        float[] finalNorm = weights.get("model.norm.weight").data();
        long end = file.capacity() - 4L * 1024 * head;
        assertThat(floats(end - 4L * dim, dim)).containsExactly(finalNorm);
    }

    @Test
    void interleavingMovesRowsWithinEachHead() {
        // two heads of size 4, one column: rows (a0 a1 b0 b1)(c0 c1 d0 d1) -> (a0 b0 a1 b1)(c0 d0 c1 d1)
        float[] w = {0, 1, 10, 11, 20, 21, 30, 31};
        assertThat(Llama2cExport.interleaveRope(w, 4, 1)).containsExactly(0, 10, 1, 11, 20, 30, 21, 31);
    }

    @Test
    void theTokenizerFileHoldsIdPieces() throws Exception {
        ByteBuffer t = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("tokenizer.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(t.getInt()).isEqualTo(5);   // "4095 " is the longest piece
        String[] pieces = new String[4096];
        for (int id = 0; id < pieces.length; id++) {
            t.getFloat();
            byte[] b = new byte[t.getInt()];
            t.get(b);
            pieces[id] = new String(b, StandardCharsets.US_ASCII);
        }
        assertThat(t.hasRemaining()).isFalse();
        assertThat(pieces[0]).isEqualTo("0 ");
        assertThat(pieces[4095]).isEqualTo("4095 ");
    }

    @Test
    void aRopeBaseRunCDoesNotUseIsRefused() throws Exception {
        Path other = dir.resolve("theta");
        Files.createDirectories(other);
        Files.writeString(other.resolve("config.json"), Files.readString(MODEL.resolve("config.json")).replace("10000.0", "500000.0"));
        assertThatThrownBy(() -> Llama2cExport.export(other, dir.resolve("x.bin"), dir.resolve("x.tok"))).hasMessageContaining("rope_theta");
    }

    static float[] floats(long at, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = file.getFloat((int) (at + 4L * i));
        }
        return out;
    }
}
