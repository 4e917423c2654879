package glassbox.model.infer.constraint;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;

import glassbox.model.tokenizer.BpeTokenizer;

/**
 * The vocabulary's ordinary tokens as a trie over their bytes, built once per tokenizer. Walking it
 * from a {@link JsonPrefix} position finds every token whose bytes keep the output valid, trying
 * each shared prefix once, and skipping a whole subtree as soon as its prefix fails: a step costs
 * O(trie nodes on valid paths), not O(vocabulary × token length).
 */
final class TokenTrie {
    private static final Map<BpeTokenizer, TokenTrie> CACHE = new WeakHashMap<>();

    /** Per node: the bytes of its children (ascending), the child nodes, and the token that ends here (-1: none). */
    private final int[][] childBytes;
    private final int[][] children;
    private final int[] token;
    /** The most bytes any token has. */
    private final int longestToken;

    private TokenTrie(int[][] childBytes, int[][] children, int[] token, int longestToken) {
        this.childBytes = childBytes;
        this.children = children;
        this.token = token;
        this.longestToken = longestToken;
    }

    int longestToken() {
        return longestToken;
    }

    static synchronized TokenTrie of(BpeTokenizer tokenizer) {
        return CACHE.computeIfAbsent(tokenizer, TokenTrie::build);
    }

    private static TokenTrie build(BpeTokenizer tokenizer) {
        List<TreeMap<Integer, Integer>> edges = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        int longest = 0;
        edges.add(new TreeMap<>());
        tokens.add(-1);
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            if (tokenizer.isSpecial(id)) {
                continue;
            }
            int node = 0;
            longest = Math.max(longest, tokenizer.tokenBytes(id).length);
            for (byte b : tokenizer.tokenBytes(id)) {
                Integer child = edges.get(node).get(b & 0xFF);
                if (child == null) {
                    child = edges.size();
                    edges.add(new TreeMap<>());
                    tokens.add(-1);
                    edges.get(node).put(b & 0xFF, child);
                }
                node = child;
            }
            tokens.set(node, id);
        }
        int n = edges.size();
        int[][] childBytes = new int[n][];
        int[][] children = new int[n][];
        int[] token = new int[n];
        for (int i = 0; i < n; i++) {
            childBytes[i] = edges.get(i).keySet().stream().mapToInt(Integer::intValue).toArray();
            children[i] = edges.get(i).values().stream().mapToInt(Integer::intValue).toArray();
            token[i] = tokens.get(i);
        }
        return new TokenTrie(childBytes, children, token, longest);
    }

    /** The ordinary tokens that can be written at {@code position}. */
    BitSet allowed(JsonPrefix.Stack position) {
        BitSet out = new BitSet(token.length);
        walk(0, position, out);
        return out;
    }

    private void walk(int node, JsonPrefix.Stack position, BitSet out) {
        int[] bytes = childBytes[node];
        for (int i = 0; i < bytes.length; i++) {
            JsonPrefix.Stack next = JsonPrefix.feed(position, bytes[i]);
            if (next != null) {
                int child = children[node][i];
                if (token[child] >= 0) {
                    out.set(token[child]);
                }
                walk(child, next, out);
            }
        }
    }
}
