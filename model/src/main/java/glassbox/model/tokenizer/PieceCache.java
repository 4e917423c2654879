package glassbox.model.tokenizer;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encoded pieces kept for reuse (most text repeats the same words), least recently used out
 * first, bounded by an estimate of the memory the entries hold: a stream of unique words, however
 * long, cannot grow it past {@code maxBytes}. A piece too large to be worth keeping (over a
 * {@value #LARGEST_SHARE_DIVISOR}th of the budget) is not kept at all. Safe to share between threads.
 */
final class PieceCache {
    static final int LARGEST_SHARE_DIVISOR = 64;
    /** Rough per-entry overhead of the map entry, the String and the int[] headers. */
    private static final int ENTRY_OVERHEAD = 96;

    private final long maxBytes;
    private final LinkedHashMap<String, int[]> entries = new LinkedHashMap<>(256, 0.75f, true); // access order: LRU
    private long bytes;

    PieceCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The cached ids of a piece, or null. Callers must not change the array. */
    synchronized int[] get(String piece) {
        return entries.get(piece);
    }

    synchronized void put(String piece, int[] ids) {
        long cost = cost(piece, ids);
        if (cost > maxBytes / LARGEST_SHARE_DIVISOR) {
            return;
        }
        int[] old = entries.put(piece, ids);
        bytes += cost - (old == null ? 0 : cost(piece, old));
        Iterator<Map.Entry<String, int[]>> eldest = entries.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            Map.Entry<String, int[]> e = eldest.next();
            bytes -= cost(e.getKey(), e.getValue());
            eldest.remove();
        }
    }

    /** Estimated bytes held by the entries. */
    synchronized long bytes() {
        return bytes;
    }

    synchronized int size() {
        return entries.size();
    }

    /** Two bytes per char of the key, four per id, plus the objects' overhead. */
    static long cost(String piece, int[] ids) {
        return ENTRY_OVERHEAD + 2L * piece.length() + 4L * ids.length;
    }
}
