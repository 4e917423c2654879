package glassbox.model.infer.constraint;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.SpecialToken;

/**
 * Structured output: the answer is one JSON value that matches a {@link JsonSchema}, written
 * compactly, and then it ends. At each step the allowed tokens are those whose bytes keep the text
 * a prefix of such a value (found by walking the vocabulary's {@link TokenTrie}); once the value is
 * complete the answer may end, and when nothing can follow it, it does (an empty allowed set).
 * If {@code max_tokens} runs out first, the JSON stays unfinished and the finish reason is
 * {@code length}, as with OpenAI.
 */
public final class JsonConstraint implements Constraint {
    private final BpeTokenizer tokenizer;
    private final TokenTrie trie;
    private final BitSet ends = new BitSet();
    private JsonPrefix.Stack position;
    private boolean ended;
    private BitSet cached;
    /** Allowed tokens by position: positions repeat (inside a long string, say), and equal positions allow the same tokens. */
    private final Map<JsonPrefix.Stack, BitSet> seen = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<JsonPrefix.Stack, BitSet> eldest) {
            return size() > 64;
        }
    };

    JsonConstraint(JsonShape shape, BpeTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.trie = TokenTrie.of(tokenizer);
        this.position = JsonPrefix.start(shape);
        ends.set(tokenizer.id(SpecialToken.END));
        ends.set(tokenizer.id(SpecialToken.EOS));
    }

    public static JsonConstraint of(JsonSchema schema, BpeTokenizer tokenizer) {
        return new JsonConstraint(schema.root, tokenizer);
    }

    @Override
    public BitSet allowed() {
        if (ended) {
            return new BitSet();
        }
        if (cached == null) {
            cached = seen.computeIfAbsent(key(position), k -> trie.allowed(position));
            if (!cached.isEmpty() && JsonPrefix.complete(position)) {
                cached = (BitSet) cached.clone();
                cached.or(ends);   // complete, but it could go on (a number's digits): the model may end it here
            }
        }
        return (BitSet) cached.clone();
    }

    /**
     * The position as a cache key. Inside a string far enough from its bounds that no token could
     * reach them, the exact count changes nothing a token may do, so it is left out: the allowed
     * tokens found a step earlier are reused all along a long string.
     */
    private JsonPrefix.Stack key(JsonPrefix.Stack s) {
        if (s.top() instanceof JsonPrefix.StringFrame f && f.chars() >= f.shape().minLength()
                && (long) f.shape().maxLength() - f.chars() > trie.longestToken()) {
            return new JsonPrefix.Stack(new JsonPrefix.StringFrame(f.shape(), -1, f.escape(), f.continuation(), f.lead()), s.rest());
        }
        return s;
    }

    @Override
    public TokenSource accept(int token) {
        cached = null;
        if (ends.get(token)) {
            ended = true;
            return null;
        }
        JsonPrefix.Stack next = JsonPrefix.feed(position, tokenizer.tokenBytes(token));
        if (next == null) {
            throw new IllegalArgumentException("token " + token + " does not continue the JSON value");
        }
        position = next;
        return null;
    }

    /** The value written so far is complete JSON. */
    public boolean complete() {
        return JsonPrefix.complete(position);
    }
}
