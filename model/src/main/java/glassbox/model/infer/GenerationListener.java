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
}
