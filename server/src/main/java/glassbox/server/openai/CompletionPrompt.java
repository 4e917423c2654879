package glassbox.server.openai;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.server.ApiError;

/** {@code prompt} of a legacy completion: a string, or an array holding one string. */
final class CompletionPrompt {
    private CompletionPrompt() {
    }

    static String parse(JsonNode node) {
        if (node == null) {
            throw ApiError.invalid("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter");
        }
        if (node.isTextual()) {
            return checked(node.asText());
        }
        if (node.isArray() && node.size() == 1 && node.get(0).isTextual()) {
            return checked(node.get(0).asText());
        }
        if (node.isArray()) {
            throw ApiError.invalid("'prompt' must be a string or an array with exactly one string (batched prompts are not supported).",
                    "prompt");
        }
        throw Fields.wrongType("prompt", "a string", node);
    }

    private static String checked(String prompt) {
        RequestLimits.checkText(prompt.length(), "prompt");
        return prompt;
    }
}
