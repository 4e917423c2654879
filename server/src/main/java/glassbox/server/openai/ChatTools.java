package glassbox.server.openai;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import glassbox.model.tokenizer.ChatFormat;
import glassbox.server.ApiError;

/**
 * A chat request's {@code tools} and {@code tool_choice} ({@code parallel_tool_calls} is accepted;
 * a call is always one). {@code required} or a named function makes the answer a call;
 * {@code auto} lets the model choose; {@code none} leaves the tools out of decoding.
 */
record ChatTools(List<Function> tools, Choice choice, String named) {
    enum Choice { NONE, AUTO, REQUIRED, NAMED }

    /** One function the model may call; {@code parameters} is a JSON schema (an empty object when none was given). */
    record Function(String name, String description, JsonNode parameters) {
    }

    static final ChatTools NONE = new ChatTools(List.of(), Choice.NONE, null);
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final int MAX_TOOLS = 128;

    /** Whether decoding must produce a call. */
    boolean forced() {
        return choice == Choice.REQUIRED || choice == Choice.NAMED;
    }

    /** The tools decoding may call: the named one, or all of them; none for {@code none}. */
    List<Function> callable() {
        return switch (choice) {
            case NONE -> List.of();
            case NAMED -> tools.stream().filter(t -> t.name().equals(named)).toList();
            default -> tools;
        };
    }

    static ChatTools parse(Fields f) {
        List<Function> tools = tools(f.node("tools"));
        f.bool("parallel_tool_calls", true);
        JsonNode c = f.node("tool_choice");
        if (c == null) {
            return tools.isEmpty() ? NONE : new ChatTools(tools, Choice.AUTO, null);
        }
        if (c.isTextual()) {
            Choice choice = switch (c.asText()) {
                case "none" -> Choice.NONE;
                case "auto" -> Choice.AUTO;
                case "required" -> Choice.REQUIRED;
                default -> throw ApiError.invalid("Invalid value for 'tool_choice': expected \"none\", \"auto\", \"required\" or "
                        + "{\"type\": \"function\", \"function\": {\"name\": ...}}, got '" + c.asText() + "'.", "tool_choice", "invalid_value");
            };
            if (choice == Choice.REQUIRED && tools.isEmpty()) {
                throw ApiError.invalid("'tool_choice' is \"required\" but no 'tools' were given.", "tool_choice");
            }
            return new ChatTools(tools, tools.isEmpty() ? Choice.NONE : choice, null);
        }
        if (!c.isObject()) {
            throw Fields.wrongType("tool_choice", "a string or an object", c);
        }
        if (!"function".equals(c.path("type").asText(null))) {
            throw ApiError.invalid("'tool_choice.type' must be \"function\".", "tool_choice.type", "invalid_value");
        }
        JsonNode fn = c.get("function");
        if (fn == null || !fn.isObject() || !fn.path("name").isTextual()) {
            throw ApiError.invalid("'tool_choice.function.name' is required: the name of one of the 'tools'.", "tool_choice.function.name",
                    "missing_required_parameter");
        }
        String name = fn.get("name").asText();
        if (tools.stream().noneMatch(t -> t.name().equals(name))) {
            throw ApiError.invalid("'tool_choice' names the function '" + name + "', which is not in 'tools'"
                    + (tools.isEmpty() ? " (none were given)." : " (" + String.join(", ", tools.stream().map(Function::name).toList()) + ")."),
                    "tool_choice", "invalid_value");
        }
        return new ChatTools(tools, Choice.NAMED, name);
    }

    private static List<Function> tools(JsonNode node) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw Fields.wrongType("tools", "an array", node);
        }
        if (node.size() > MAX_TOOLS) {
            throw ApiError.invalid("'tools' holds " + node.size() + " tools; the limit is " + MAX_TOOLS + ".", "tools", "array_above_max_length");
        }
        List<Function> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String where = "tools[" + i + "]";
            JsonNode t = node.get(i);
            if (!t.isObject()) {
                throw Fields.wrongType(where, "an object", t);
            }
            if (!"function".equals(t.path("type").asText(null))) {
                throw ApiError.invalid("'" + where + ".type' must be \"function\" (the only kind of tool).", where + ".type", "invalid_value");
            }
            JsonNode fn = t.get("function");
            if (fn == null || !fn.isObject()) {
                throw ApiError.invalid("Missing required parameter: '" + where + ".function'.", where + ".function", "missing_required_parameter");
            }
            Fields ff = new Fields(fn);
            String name = ff.string("name", null);
            if (name == null || !NAME.matcher(name).matches()) {
                throw ApiError.invalid("'" + where + ".function.name' must be 1 to 64 letters, digits, underscores or dashes, got "
                        + (name == null ? "none" : "'" + name + "'") + ".", where + ".function.name", "invalid_value");
            }
            if (!names.add(name)) {
                throw ApiError.invalid("Two tools are named '" + name + "'.", where + ".function.name", "invalid_value");
            }
            String description = ff.string("description", "");
            RequestLimits.checkText(description.length(), where + ".function.description");
            JsonNode parameters = ff.node("parameters");
            if (parameters != null && !parameters.isObject()) {
                throw Fields.wrongType(where + ".function.parameters", "an object (a JSON schema)", parameters);
            }
            ff.bool("strict", false);
            out.add(new Function(name, description, objectSchema(parameters, where + ".function.parameters")));
        }
        return out;
    }

    /**
     * Arguments are always an object: no parameters means none ({@code {}}, as OpenAI reads it), a
     * schema without a type is an object schema, and any other type is a 400.
     */
    private static JsonNode objectSchema(JsonNode parameters, String where) {
        if (parameters == null) {
            ObjectNode none = JsonNodeFactory.instance.objectNode().put("type", "object");
            none.putObject("properties");
            return none.put("additionalProperties", false);
        }
        JsonNode type = parameters.get("type");
        if (type == null) {
            return ((ObjectNode) parameters.deepCopy()).put("type", "object");
        }
        if (!type.isTextual() || !type.asText().equals("object")) {
            throw ApiError.invalid("'" + where + "' must be a JSON schema of type \"object\" (a call's arguments are an object), got type "
                    + type + ".", where, "invalid_value");
        }
        return parameters;
    }

    /** The tools as the chat format's tools line describes them to the model. */
    List<ChatFormat.Tool> described() {
        return callable().stream().map(ChatTools::describe).toList();
    }

    /** {@code name(arg: type, optional?: type)}: a property's type is its {@code type} (several joined by {@code |}), else {@code any}. */
    static ChatFormat.Tool describe(Function fn) {
        List<ChatFormat.Parameter> params = new ArrayList<>();
        Set<String> required = new HashSet<>();
        fn.parameters().path("required").forEach(r -> required.add(r.asText()));
        for (Iterator<Map.Entry<String, JsonNode>> it = fn.parameters().path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            JsonNode type = p.getValue().get("type");
            String t = type == null ? "any" : type.isArray() ? String.join("|", strings(type)) : type.asText();
            params.add(new ChatFormat.Parameter(p.getKey(), t, required.contains(p.getKey())));
        }
        return new ChatFormat.Tool(fn.name(), fn.description(), params);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }
}
