package glassbox.model.infer;

import java.util.List;

/**
 * Receives text as it becomes final. Text that might be the start of a stop string is held back
 * until it is known not to be, so {@code text} never contains a stop string; {@code tokens} are
 * the tokens generated since the previous call.
 */
@FunctionalInterface
public interface GenerationListener {
    GenerationListener NONE = (text, tokens) -> { };

    void onDelta(String text, List<TokenTrace> tokens);

    /**
     * Called for every generated token as soon as it is sampled, before its text is released:
     * {@code nanos} is the time since the token before it (a forward pass and sampling), for the
     * first token the time since the prompt's forward pass began; {@code sequences} is how many
     * sequences that forward pass ran together (1: one generation per pass).
     */
    default void onToken(int index, long nanos, int sequences) {
    }
}
