package glassbox.model.infer;

import java.util.Arrays;

/**
 * Token ids by logit, highest first, ties by lower id, sorted only as far down as someone asks:
 * a top-k or top-p draw looks at a few dozen ranks of 4,096, so sorting the whole vocabulary every
 * step (as llama2.c's top-p also avoids) is wasted work. Ranks handed out are exactly those of a
 * full sort.
 *
 * <p>Each (logit, id) pair is packed into one long whose natural order is the wanted order;
 * {@code keys[0..sorted)} hold the best {@code sorted} of them in order, and everything after is
 * worse than all of those, in no particular order.
 */
final class TokenRanking {
    /** Ranks sorted at the first request; each later request past them at least doubles it. */
    static final int FIRST_BLOCK = 64;
    private final long[] keys;
    private int sorted;

    TokenRanking(float[] logits) {
        keys = new long[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            int ascending = bits ^ ((bits >> 31) & 0x7fffffff);   // float order as signed int order
            keys[i] = ((long) ~ascending << 32) | i;              // higher logit → smaller key; ties by id
        }
    }

    int size() {
        return keys.length;
    }

    /** The token id at {@code rank} (0 = highest logit). */
    int id(int rank) {
        if (rank >= sorted) {
            sortThrough(rank);
        }
        return (int) keys[rank];
    }

    /** The rank of token {@code id} if it is among the ranks sorted so far, else -1 (it ranks below all of them). */
    int sortedRankOf(int id) {
        for (int r = 0; r < sorted; r++) {
            if ((int) keys[r] == id) {
                return r;
            }
        }
        return -1;
    }

    /** Ranks sorted so far. */
    int sortedCount() {
        return sorted;
    }

    /** Extends the sorted prefix to include {@code rank}: select the next block's keys from the rest, then sort that block. */
    private void sortThrough(int rank) {
        int n = keys.length;
        int end = Math.max(rank + 1, Math.max(FIRST_BLOCK, 2 * sorted));
        if (end * 4 >= n) {
            Arrays.sort(keys, sorted, n);   // most of it anyway: sort the rest whole
            sorted = n;
            return;
        }
        selectSmallest(sorted, n, end);
        Arrays.sort(keys, sorted, end);
        sorted = end;
    }

    /** Quickselect: afterwards keys[from..k) are the k − from smallest of keys[from..to), in no order. */
    private void selectSmallest(int from, int to, int k) {
        int lo = from;
        int hi = to - 1;
        while (lo < hi) {
            long pivot = medianOfThree(keys[lo], keys[(lo + hi) >>> 1], keys[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {   // Hoare partition: keys[lo..j] ≤ pivot ≤ keys[i..hi]
                while (keys[i] < pivot) {
                    i++;
                }
                while (keys[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = keys[i];
                    keys[i] = keys[j];
                    keys[j] = t;
                    i++;
                    j--;
                }
            }
            if (k - 1 <= j) {
                hi = j;
            } else if (k - 1 >= i) {
                lo = i;
            } else {
                return;   // keys[j+1..i) equal the pivot and hold position k − 1
            }
        }
    }

    private static long medianOfThree(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
