package glassbox.model.tokenizer;

/**
 * The control tokens of Glassbox's vocabulary. They are never produced by splitting text:
 * {@link ChatFormat#encode} emits them around messages, and only the tokenizer playground
 * ({@link BpeTokenizer#encodeWithSpecials}) turns their literal spelling into their ids.
 */
public enum SpecialToken {
    BOS("<|bos|>"),
    EOS("<|eos|>"),
    PAD("<|pad|>"),
    SYSTEM("<|system|>"),
    USER("<|user|>"),
    ASSISTANT("<|assistant|>"),
    END("<|end|>"),
    CONTEXT("<|context|>"),
    /** Reserved for tool calls: the model's call (arguments as JSON) follows it. */
    TOOL_CALL("<|tool_call|>"),
    /** Reserved for tool results: a tool's output follows it. */
    TOOL("<|tool|>");

    private final String text;

    SpecialToken(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** The token that opens a chat turn of this role, or null for an unknown role. */
    public static SpecialToken forRole(String role) {
        return switch (role) {
            case "system" -> SYSTEM;
            case "user" -> USER;
            case "assistant" -> ASSISTANT;
            case "context" -> CONTEXT;
            case "tool" -> TOOL;
            default -> null;
        };
    }
}
