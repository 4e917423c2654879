package glassbox.server.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.tokenizer.ChatFormat;
import glassbox.server.ApiError;

/** {@code messages} of a chat request to chat-format messages, with OpenAI-style errors for bad ones. */
final class ChatMessages {
    private ChatMessages() {
    }

    static List<ChatFormat.Message> parse(JsonNode node) {
        if (node == null) {
            throw ApiError.invalid("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }
        if (!node.isArray()) {
            throw Fields.wrongType("messages", "an array", node);
        }
        if (node.isEmpty()) {
            throw ApiError.invalid("'messages' must contain at least one message.", "messages", "empty_array");
        }
        if (node.size() > RequestLimits.MAX_MESSAGES) {
            throw ApiError.invalid("'messages' holds " + node.size() + " messages; the limit is " + RequestLimits.MAX_MESSAGES + ".", "messages",
                    "array_above_max_length");
        }
        List<ChatFormat.Message> out = new ArrayList<>();
        int chars = 0;
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) {
                throw Fields.wrongType(where, "an object", m);
            }
            JsonNode roleNode = m.get("role");
            if (roleNode == null || !roleNode.isTextual()) {
                throw ApiError.invalid("Missing or invalid '" + where + ".role'.", where + ".role");
            }
            String role = switch (roleNode.asText()) {
                case "system", "developer" -> "system";
                case "user" -> "user";
                case "assistant" -> "assistant";
                default -> throw ApiError.invalid("Invalid value: '" + roleNode.asText() + "'. Supported roles are 'system', 'developer', "
                        + "'user' and 'assistant'.", where + ".role", "invalid_value");
            };
            String content = content(m.get("content"), where + ".content");
            chars += content.length();
            RequestLimits.checkText(chars, "messages");
            out.add(new ChatFormat.Message(role, content));
        }
        return out;
    }

    /** A string, or an array of {@code {"type":"text","text":...}} parts (the only kind a text model can read). */
    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiError.invalid("Only text content parts ({\"type\": \"text\", \"text\": ...}) are supported in '" + where + "'.",
                            where);
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw Fields.wrongType(where, "a string or an array of text parts", c);
    }
}
