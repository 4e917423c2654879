package glassbox.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;

import glassbox.model.tokenizer.BpeTokenizer.MergeStep;
import glassbox.model.tokenizer.BpeTokenizer.PieceMerges;
import glassbox.model.tokenizer.Vocabulary.Merge;

/**
 * Text to token ids. The pre-tokenizer splits the text into pieces; each piece starts as its
 * UTF-8 bytes and the learned merges join neighbouring tokens, lowest rank first (and, among
 * equal ranks, leftmost first), until no merge applies. Encoded pieces are cached, within a
 * memory bound.
 *
 * <p>Finding the next merge by rescanning the piece after every merge costs O(n²) for a piece
 * of n bytes: one 99 KB word took minutes. Here the candidate merges wait in a min-heap
 * ({@link LongHeap}) keyed by (rank, position), the piece is a linked list of tokens, and a merge
 * only creates the two new pairs at its sides, so a piece costs O(n log n) (the 99 KB word:
 * tens of milliseconds, {@code ./scripts/bench tokenize}).
 */
final class BpeEncoder {
    /** Memory the piece cache may hold (an estimate, see {@link PieceCache#cost}). */
    static final long CACHE_BYTES = 8L << 20;

    private final Vocabulary vocab;
    private final PieceCache cache;

    BpeEncoder(Vocabulary vocab, PieceCache cache) {
        this.vocab = vocab;
        this.cache = cache;
    }

    /** Encodes text; special-token spellings in it are ordinary characters. */
    int[] encode(String text) {
        IdBuffer out = new IdBuffer();
        for (String piece : PreTokenizer.split(text)) {
            out.add(encodePiece(piece));
        }
        return out.toArray();
    }

    /** Encodes text in which the spellings of special tokens (e.g. {@code <|user|>}) become their ids. */
    int[] encodeWithSpecials(String text) {
        IdBuffer out = new IdBuffer();
        Matcher m = PreTokenizer.SPECIALS.matcher(text);
        int from = 0;
        while (m.find()) {
            out.add(encode(text.substring(from, m.start())));
            out.add(vocab.id(Vocabulary.specialBySpelling(m.group())));
            from = m.end();
        }
        out.add(encode(text.substring(from)));
        return out.toArray();
    }

    /** Each piece of the text with the merges that encode it, in the order they apply (uncached: the stepper's view). */
    List<PieceMerges> mergeSteps(String text) {
        List<PieceMerges> out = new ArrayList<>();
        for (String piece : PreTokenizer.split(text)) {
            byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
            int[] bytes = new int[utf8.length];
            for (int i = 0; i < utf8.length; i++) {
                bytes[i] = utf8[i] & 0xFF;
            }
            List<MergeStep> steps = new ArrayList<>();
            int[] ids = merge(utf8, (rank, index, left, right, result) -> steps.add(new MergeStep(rank, index, left, right, result)));
            out.add(new PieceMerges(piece, bytes, List.copyOf(steps), ids));
        }
        return out;
    }

    PieceCache cache() {
        return cache;
    }

    private int[] encodePiece(String piece) {
        int[] ids = cache.get(piece);
        if (ids == null) {
            ids = merge(piece.getBytes(StandardCharsets.UTF_8));
            cache.put(piece, ids);
        }
        return ids;
    }

    /** One merge as it happens, for the lab's merge stepper: the pair at {@code index, index + 1} of the piece's current tokens joined. */
    interface MergeListener {
        void merged(int rank, int index, int left, int right, int result);
    }

    /** BPE on one piece's bytes: the token ids it becomes. */
    int[] merge(byte[] piece) {
        return merge(piece, null);
    }

    /** BPE on one piece's bytes, telling {@code listener} (if not null) about every merge in the order they apply. */
    int[] merge(byte[] piece, MergeListener listener) {
        int n = piece.length;
        // The piece as a doubly linked list of tokens; token i starts as byte i. A token that
        // was merged into its left neighbour leaves the list and gets id -1.
        int[] id = new int[n], prev = new int[n], next = new int[n];
        for (int i = 0; i < n; i++) {
            id[i] = piece[i] & 0xFF;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // Candidate merges, one per neighbouring pair that has a merge, keyed (rank << 32 | position
        // of the left token): the head is the lowest rank, and the leftmost pair of that rank.
        LongHeap candidates = new LongHeap();
        for (int i = 0; i + 1 < n; i++) {
            offer(candidates, id, i, i + 1);
        }
        while (!candidates.isEmpty()) {
            long top = candidates.pop();
            int rank = (int) (top >>> 32), at = (int) top;
            // A merge next to a candidate changes its pair, and the candidate is not taken out of
            // the queue then; it is skipped here instead, when its tokens no longer form its pair.
            if (id[at] < 0 || next[at] < 0) {
                continue;
            }
            int right = next[at];
            Merge m = vocab.mergeOf(id[at], id[right]);
            if (m == null || m.rank() != rank) {
                continue;
            }
            if (listener != null) {
                int index = 0;   // the left token's place among the tokens now in the list
                for (int j = prev[at]; j >= 0; j = prev[j]) {
                    index++;
                }
                listener.merged(rank, index, id[at], id[right], m.result());
            }
            // Join: the left token becomes the merged token, the right one leaves the list.
            id[at] = m.result();
            id[right] = -1;
            next[at] = next[right];
            if (next[at] >= 0) {
                prev[next[at]] = at;
            }
            // The merged token forms new pairs with its neighbours.
            if (prev[at] >= 0) {
                offer(candidates, id, prev[at], at);
            }
            if (next[at] >= 0) {
                offer(candidates, id, at, next[at]);
            }
        }
        // Token 0 never leaves the list (a merge keeps its left token): walk it from there.
        IdBuffer out = new IdBuffer();
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            out.add(id[i]);
        }
        return out.toArray();
    }

    private void offer(LongHeap candidates, int[] id, int left, int right) {
        Merge m = vocab.mergeOf(id[left], id[right]);
        if (m != null) {
            candidates.push(((long) m.rank() << 32) | left);
        }
    }

    /** A growable int array. */
    private static final class IdBuffer {
        private int[] a = new int[16];
        private int n;

        void add(int x) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * n);
            }
            a[n++] = x;
        }

        void add(int[] xs) {
            if (n + xs.length > a.length) {
                a = Arrays.copyOf(a, Math.max(2 * a.length, n + xs.length));
            }
            System.arraycopy(xs, 0, a, n, xs.length);
            n += xs.length;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
