package glassbox.server.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.tokenizer.ChatFormat;
import glassbox.server.ApiError;
import glassbox.server.Json;

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
                case "tool" -> "tool";
                default -> throw ApiError.invalid("Invalid value: '" + roleNode.asText() + "'. Supported roles are 'system', 'developer', "
                        + "'user', 'assistant' and 'tool'.", where + ".role", "invalid_value");
            };
            String content = content(m.get("content"), where + ".content");
            List<ChatFormat.ToolCall> calls = role.equals("assistant") ? toolCalls(m.get("tool_calls"), where + ".tool_calls") : List.of();
            if (role.equals("tool")) {
                JsonNode id = m.get("tool_call_id");
                if (id == null || !id.isTextual()) {
                    throw ApiError.invalid("Missing or invalid '" + where + ".tool_call_id': a tool message answers the call with that id.",
                            where + ".tool_call_id", "missing_required_parameter");
                }
            }
            chars += content.length() + calls.stream().mapToInt(c -> c.arguments().length()).sum();
            RequestLimits.checkText(chars, "messages");
            out.add(new ChatFormat.Message(role, content, calls));
        }
        return out;
    }

    /** An assistant message's {@code tool_calls}: each {@code {id, type: "function", function: {name, arguments}}}, arguments a JSON object in a string. */
    private static List<ChatFormat.ToolCall> toolCalls(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw Fields.wrongType(where, "an array", node);
        }
        List<ChatFormat.ToolCall> calls = new ArrayList<>();
        for (int j = 0; j < node.size(); j++) {
            String at = where + "[" + j + "]";
            JsonNode call = node.get(j);
            if (!call.isObject()) {
                throw Fields.wrongType(at, "an object", call);
            }
            if (call.has("type") && !"function".equals(call.get("type").asText(null))) {
                throw ApiError.invalid("'" + at + ".type' must be \"function\".", at + ".type", "invalid_value");
            }
            JsonNode fn = call.get("function");
            if (fn == null || !fn.isObject()) {
                throw ApiError.invalid("Missing required parameter: '" + at + ".function'.", at + ".function", "missing_required_parameter");
            }
            JsonNode name = fn.get("name");
            if (name == null || !name.isTextual() || !ChatTools.NAME.matcher(name.asText()).matches()) {
                throw ApiError.invalid("'" + at + ".function.name' must be 1 to 64 letters, digits, underscores or dashes.",
                        at + ".function.name", "invalid_value");
            }
            calls.add(new ChatFormat.ToolCall(name.asText(), arguments(fn.get("arguments"), at + ".function.arguments")));
        }
        return calls;
    }

    /** The arguments as compact JSON text (the form the model writes them in). */
    private static String arguments(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return "{}";
        }
        if (!node.isTextual()) {
            throw Fields.wrongType(where, "a string holding a JSON object", node);
        }
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(node.asText());
        } catch (JsonProcessingException e) {
            parsed = null;
        }
        if (parsed == null || !parsed.isObject()) {
            throw ApiError.invalid("'" + where + "' must be a JSON object in a string, like \"{\\\"query\\\": \\\"attention\\\"}\".", where,
                    "invalid_value");
        }
        return parsed.toString();
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
