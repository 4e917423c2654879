package glassbox.model.infer.constraint;

import java.util.BitSet;
import java.util.List;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.SpecialToken;

/**
 * A tool call: {@code <|tool_call|>} and then {@code {"name":"<tool>","arguments":{...}}}, the
 * arguments valid for that tool's parameter schema, and then the answer ends. With
 * {@code required} (OpenAI's {@code tool_choice: "required"} or a named function) the call is
 * the only thing the model may write. Without it ({@code "auto"}) the model writes freely, and only
 * if it opens a call with {@code <|tool_call|>} is the rest held to a valid call.
 */
public final class ToolCallConstraint implements Constraint {
    private final boolean required;
    private final int callToken;
    private final int vocabSize;
    private final JsonConstraint call;
    private boolean opened;

    private ToolCallConstraint(List<ToolSpec> tools, boolean required, BpeTokenizer tokenizer) {
        if (tools.isEmpty()) {
            throw new IllegalArgumentException("a tool call needs at least one tool");
        }
        this.required = required;
        this.callToken = tokenizer.id(SpecialToken.TOOL_CALL);
        this.vocabSize = tokenizer.vocabSize();
        this.call = new JsonConstraint(new JsonShape.ToolCallShape(List.copyOf(tools)), tokenizer);
    }

    public static ToolCallConstraint of(List<ToolSpec> tools, boolean required, BpeTokenizer tokenizer) {
        return new ToolCallConstraint(tools, required, tokenizer);
    }

    @Override
    public BitSet allowed() {
        if (opened) {
            return call.allowed();
        }
        BitSet out = new BitSet(vocabSize);
        if (required) {
            out.set(callToken);
        } else {
            out.set(0, vocabSize);
        }
        return out;
    }

    @Override
    public TokenSource accept(int token) {
        if (opened) {
            return call.accept(token);
        }
        if (token == callToken) {
            opened = true;
        }
        return null;
    }

    /** The model has opened a call (always, once anything was written, under {@code required}). */
    public boolean opened() {
        return opened;
    }
}
