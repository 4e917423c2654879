package glassbox.server.openai;

import glassbox.server.ApiError;

/**
 * What one completion request may ask, checked while it is read: before any tokenizing,
 * retrieval or waiting for a slot. The body limit (1 MiB by default) bounds bytes; these bound
 * the work those bytes can ask for.
 */
final class RequestLimits {
    static final int MAX_MESSAGES = 256;
    /** All messages' text together, or the prompt: far more than the model's context holds. */
    static final int MAX_TEXT_CHARS = 100_000;
    static final int MAX_STOP_CHARS = 256;

    private RequestLimits() {
    }

    static void checkText(int chars, String param) {
        if (chars > MAX_TEXT_CHARS) {
            throw ApiError.invalid("'" + param + "' holds " + chars + " characters; the limit is " + MAX_TEXT_CHARS
                    + " (the model reads at most a few thousand).", param, "string_above_max_length");
        }
    }
}
