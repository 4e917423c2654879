package glassbox.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;

/**
 * What a trained byte-level BPE tokenizer knows: the bytes each id stands for and the merges in
 * the order they were learned. Ids 0-255 are the bytes, then merged tokens, and the last
 * {@link SpecialToken#values()} ids are the special tokens. Immutable; shared by the encoder,
 * the decoder and the file writer.
 */
final class Vocabulary {
    /** A learned merge: the pair (left, right) becomes {@code result}; lower ranks were learned first and apply first. */
    record Merge(int left, int right, int rank, int result) {
    }

    private final byte[][] tokenBytes;
    private final List<Merge> merges;
    private final MergeTable mergeByPair;
    private final EnumMap<SpecialToken, Integer> specialIds = new EnumMap<>(SpecialToken.class);

    Vocabulary(byte[][] tokenBytes, List<Merge> merges) {
        this.tokenBytes = tokenBytes;
        this.merges = List.copyOf(merges);
        this.mergeByPair = new MergeTable(this.merges);
        int first = tokenBytes.length - SpecialToken.values().length;
        for (SpecialToken t : SpecialToken.values()) {
            specialIds.put(t, first + t.ordinal());
        }
    }

    int size() {
        return tokenBytes.length;
    }

    /** The bytes of a token, not copied: callers must not change them. */
    byte[] bytes(int id) {
        checkId(id);
        return tokenBytes[id];
    }

    List<Merge> merges() {
        return merges;
    }

    /** The merge that joins this pair of ids, or null if they never merge. */
    Merge mergeOf(int left, int right) {
        return mergeByPair.get(left, right);
    }

    int id(SpecialToken token) {
        return specialIds.get(token);
    }

    boolean isSpecial(int id) {
        return id >= tokenBytes.length - SpecialToken.values().length && id < tokenBytes.length;
    }

    /** The special token with this exact spelling, or null. */
    static SpecialToken specialBySpelling(String text) {
        for (SpecialToken t : SpecialToken.values()) {
            if (t.text().equals(text)) {
                return t;
            }
        }
        return null;
    }

    void checkId(int id) {
        if (id < 0 || id >= tokenBytes.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0-" + (tokenBytes.length - 1) + ")");
        }
    }

    /** The bytes of the special tokens, as their spelling (what the vocabulary stores for them). */
    static byte[] spelling(SpecialToken t) {
        return t.text().getBytes(StandardCharsets.UTF_8);
    }

    /** A pair of ids as one map key. */
    static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }
}
