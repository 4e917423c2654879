package glassbox.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns a stream of token ids into text without ever splitting a UTF-8 character: a token may
 * end in the middle of a multi-byte character (an emoji is often 2-4 byte tokens), so the
 * trailing bytes of an unfinished character wait for the next token. Malformed bytes come out
 * as U+FFFD once it is clear no continuation can fix them.
 */
public final class StreamDecoder {
    private final BpeTokenizer tokenizer;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    StreamDecoder(BpeTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds one token; returns the text that is now complete (possibly empty). */
    public String accept(int tokenId) {
        pending.writeBytes(tokenizer.tokenBytes(tokenId));
        byte[] bytes = pending.toByteArray();
        int complete = completePrefix(bytes);
        pending.reset();
        pending.write(bytes, complete, bytes.length - complete);
        return new String(bytes, 0, complete, StandardCharsets.UTF_8);
    }

    /** Whatever is left (an unfinished character becomes U+FFFD). */
    public String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /** Length of the longest prefix that does not end inside a character that may still complete. */
    static int completePrefix(byte[] b) {
        int n = b.length;
        // A character is at most 4 bytes: look back at most 3 for its lead byte.
        for (int back = 1; back <= Math.min(3, n); back++) {
            int v = b[n - back] & 0xFF;
            if ((v & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead
            }
            int need = v >= 0xC2 && v <= 0xDF ? 2 : v >= 0xE0 && v <= 0xEF ? 3 : v >= 0xF0 && v <= 0xF4 ? 4 : 1;
            return need > back ? n - back : n;
        }
        return n;
    }
}
