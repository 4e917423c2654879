package glassbox.model.tokenizer;

/**
 * GPT-2's byte-to-character map. BPE vocabularies are stored as JSON strings, so each of the
 * 256 byte values is given a printable Unicode character: printable Latin-1 bytes map to
 * themselves, the rest (controls, space, 0x7F-0xA0, 0xAD) to U+0100 onwards, in byte order.
 * A space therefore shows up as 'Ġ' (U+0120) in tokenizer.json.
 */
public final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x200];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    public static char toChar(int unsignedByte) {
        return BYTE_TO_CHAR[unsignedByte];
    }

    /** The byte value a vocabulary character stands for, or -1 if it is not a byte-level character. */
    public static int toByte(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** Encodes raw bytes as their vocabulary characters. */
    public static String encode(byte[] bytes, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            sb.append(BYTE_TO_CHAR[bytes[i] & 0xFF]);
        }
        return sb.toString();
    }

    /** Decodes vocabulary characters back to bytes; throws on characters outside the map. */
    public static byte[] decode(String chars) {
        byte[] out = new byte[chars.length()];
        for (int i = 0; i < chars.length(); i++) {
            int b = toByte(chars.charAt(i));
            if (b < 0) {
                throw new IllegalArgumentException("not a byte-level character: U+" + Integer.toHexString(chars.charAt(i)));
            }
            out[i] = (byte) b;
        }
        return out;
    }
}
