package glassbox.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Token ids back to text: each id stands for a run of bytes, the bytes are concatenated and read
 * as UTF-8. Special tokens read as their spelling. One token alone may not be whole UTF-8
 * ({@link #tokenText} shows such bytes as {@code <0xNN>}; {@link StreamDecoder} waits for the rest).
 */
final class BpeDecoder {
    private final Vocabulary vocab;

    BpeDecoder(Vocabulary vocab) {
        this.vocab = vocab;
    }

    String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(vocab.bytes(id));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A token as readable text; bytes that are not complete UTF-8 show as {@code <0xNN>}. */
    String tokenText(int id) {
        byte[] b = vocab.bytes(id);
        String s = new String(b, StandardCharsets.UTF_8);
        if (Arrays.equals(s.getBytes(StandardCharsets.UTF_8), b)) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("<0x%02X>", x & 0xFF));
        }
        return sb.toString();
    }

    /** A token's bytes as numbers 0-255, the form APIs and traces report them in. */
    int[] unsignedBytes(int id) {
        byte[] b = vocab.bytes(id);
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }
}
