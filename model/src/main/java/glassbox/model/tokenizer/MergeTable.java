package glassbox.model.tokenizer;

import java.util.Arrays;
import java.util.List;

import glassbox.model.tokenizer.Vocabulary.Merge;

/**
 * Merges by the pair they join, for the encoder's inner loop (one lookup per neighbouring pair):
 * an open-addressing hash table over {@code long} keys, so a lookup allocates nothing. Keys are
 * {@link Vocabulary#pair}; a slot holding {@link #EMPTY} ends a probe. At most half full.
 * If a pair was learned twice, the later merge wins (as a map's put would).
 */
final class MergeTable {
    private static final long EMPTY = -1;   // no pair of non-negative ids packs to -1

    private final long[] keys;
    private final Merge[] merges;
    private final int mask;

    MergeTable(List<Merge> all) {
        int capacity = Integer.highestOneBit(Math.max(2, all.size()) * 2 - 1) * 2;
        keys = new long[capacity];
        merges = new Merge[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, EMPTY);
        for (Merge m : all) {
            long key = Vocabulary.pair(m.left(), m.right());
            int i = slot(key);
            keys[i] = key;
            merges[i] = m;
        }
    }

    /** The merge that joins (left, right), or null. */
    Merge get(int left, int right) {
        long key = Vocabulary.pair(left, right);
        return keys[slot(key)] == key ? merges[slot(key)] : null;
    }

    /** Where the key is, or the empty slot where it would go: start at its hash, step right until found or empty. */
    private int slot(long key) {
        int i = (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;   // Fibonacci hashing spreads the pair's bits
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }
}
