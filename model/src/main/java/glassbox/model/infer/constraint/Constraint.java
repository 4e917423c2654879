package glassbox.model.infer.constraint;

import java.util.BitSet;

/**
 * A rule the output must keep, applied as one stage of the sampler chain (after penalties,
 * before temperature): at each step it names the tokens that keep the rule, and every other
 * token's logit becomes minus infinity. One instance follows one generation (it is stateful).
 * Grounding is one; JSON schemas and tool calls come through the same interface.
 */
public interface Constraint {
    /** The token ids allowed next. Empty means the output is complete: generation stops there. */
    BitSet allowed();

    /**
     * Moves past the emitted token (which {@link #allowed()} contained).
     *
     * @return where the token was copied from, or null when it was not copied (a marker, an end)
     */
    TokenSource accept(int token);
}
