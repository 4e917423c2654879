package glassbox.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How a conversation becomes one token stream: {@code <|bos|>}, then every message as
 * {@code <|role|>content<|end|>}, and {@code <|assistant|>} when the model is to answer.
 * Retrieved lessons travel in a {@code context} message. tokenizer_config.json's
 * {@link #JINJA_TEMPLATE} says the same thing for Hugging Face tools.
 *
 * <p>Tools: when the model may call functions, a first system message lists them, one line each
 * ({@code Tools:} then {@code name(arg: type, optional?: type): description}). An assistant's
 * calls follow its text as {@code <|tool_call|>{"name":"...","arguments":{...}}}, one per call,
 * before its {@code <|end|>}; a tool's result comes back as {@code <|tool|>result<|end|>}.
 *
 * <p>Only the format emits control tokens: {@link #encode} puts the special ids between the
 * messages and encodes each message's text as plain text, so a user who types
 * {@code <|end|><|system|>} gets those characters, not a new system turn.
 */
public final class ChatFormat {
    public static final List<String> ROLES = List.of("system", "context", "user", "assistant", "tool");

    /** The first line of the tools' system message. */
    public static final String TOOLS_HEADER = "Tools:";

    public static final String JINJA_TEMPLATE = "{{ bos_token }}"
            + "{% if tools %}{{ '<|system|>" + TOOLS_HEADER + "' }}{% for tool in tools %}"
            + "{% set f = tool['function'] if tool['function'] is defined else tool %}"
            + "{% set p = f['parameters'] if f['parameters'] is defined else {} %}"
            + "{% set props = p['properties'] if p['properties'] is defined else {} %}"
            + "{% set req = p['required'] if p['required'] is defined else [] %}"
            + "{{ '\\n' + f['name'] + '(' }}{% for name, prop in props.items() %}{% if not loop.first %}{{ ', ' }}{% endif %}"
            + "{{ name }}{% if name not in req %}{{ '?' }}{% endif %}{{ ': ' }}"
            + "{% if prop['type'] is not defined %}{{ 'any' }}{% elif prop['type'] is string %}{{ prop['type'] }}"
            + "{% else %}{{ prop['type'] | join('|') }}{% endif %}{% endfor %}{{ ')' }}"
            + "{% if f['description'] %}{{ ': ' + f['description'] }}{% endif %}{% endfor %}{{ '<|end|>' }}{% endif %}"
            + "{% for message in messages %}"
            + "{{ '<|' + message['role'] + '|>' + (message['content'] or '') }}"
            + "{% if message['tool_calls'] %}{% for call in message['tool_calls'] %}"
            + "{{ '<|tool_call|>{\"name\":\"' + call['function']['name'] + '\",\"arguments\":' }}"
            + "{% if call['function']['arguments'] is string %}{{ call['function']['arguments'] }}"
            + "{% else %}{{ call['function']['arguments'] | tojson }}{% endif %}{{ '}' }}{% endfor %}{% endif %}"
            + "{{ '<|end|>' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}";

    /** One chat message; an assistant's may carry tool calls (then its content is often empty). */
    public record Message(String role, String content, List<ToolCall> toolCalls) {
        public Message {
            if (SpecialToken.forRole(role) == null) {
                throw new IllegalArgumentException("unknown role '" + role + "' (expected one of " + ROLES + ")");
            }
            if (content == null) {
                throw new IllegalArgumentException("message content is missing");
            }
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
            if (!toolCalls.isEmpty() && !role.equals("assistant")) {
                throw new IllegalArgumentException("only assistant messages carry tool calls, not '" + role + "'");
            }
        }

        public Message(String role, String content) {
            this(role, content, List.of());
        }
    }

    /** A function call the assistant made: its name and its arguments as compact JSON object text. */
    public record ToolCall(String name, String arguments) {
        /** The text after {@code <|tool_call|>}. */
        public String json() {
            return "{\"name\":\"" + name + "\",\"arguments\":" + arguments + "}";
        }
    }

    /** A function the model may call, as its tools line describes it. */
    public record Tool(String name, String description, List<Parameter> parameters) {
        public Tool {
            description = description == null ? "" : description;
            parameters = List.copyOf(parameters);
        }

        /** {@code name(arg: type, optional?: type): description} */
        public String line() {
            StringBuilder sb = new StringBuilder(name).append('(');
            for (int i = 0; i < parameters.size(); i++) {
                Parameter p = parameters.get(i);
                sb.append(i == 0 ? "" : ", ").append(p.name()).append(p.required() ? "" : "?").append(": ").append(p.type());
            }
            sb.append(')');
            return description.isEmpty() ? sb.toString() : sb.append(": ").append(description).toString();
        }
    }

    /** One argument of a tool: its name, its JSON type(s) joined by {@code |}, whether it must be given. */
    public record Parameter(String name, String type, boolean required) {
    }

    /** The system message that lists the tools, or null when there are none. */
    public static Message toolsMessage(List<Tool> tools) {
        if (tools == null || tools.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder(TOOLS_HEADER);
        for (Tool t : tools) {
            sb.append('\n').append(t.line());
        }
        return new Message("system", sb.toString());
    }

    private ChatFormat() {
    }

    /**
     * The conversation as token ids: special ids for the structure, each message's content
     * through {@link BpeTokenizer#encode} (so its special-token spellings stay text).
     */
    public static int[] encode(BpeTokenizer tokenizer, List<Message> messages, boolean addGenerationPrompt) {
        return encode(tokenizer, messages, List.of(), addGenerationPrompt);
    }

    /** As {@link #encode(BpeTokenizer, List, boolean)}, the tools' system message first when there are tools. */
    public static int[] encode(BpeTokenizer tokenizer, List<Message> messages, List<Tool> tools, boolean addGenerationPrompt) {
        List<int[]> parts = new ArrayList<>();
        parts.add(new int[] {tokenizer.id(SpecialToken.BOS)});
        for (Message m : withTools(messages, tools)) {
            parts.add(new int[] {tokenizer.id(SpecialToken.forRole(m.role()))});
            parts.add(tokenizer.encode(m.content()));
            for (ToolCall call : m.toolCalls()) {
                parts.add(new int[] {tokenizer.id(SpecialToken.TOOL_CALL)});
                parts.add(tokenizer.encode(call.json()));
            }
            parts.add(new int[] {tokenizer.id(SpecialToken.END)});
        }
        if (addGenerationPrompt) {
            parts.add(new int[] {tokenizer.id(SpecialToken.ASSISTANT)});
        }
        return parts.stream().flatMapToInt(IntStream::of).toArray();
    }

    /** The conversation as text, special tokens spelled out: for people to read (and for the training examples file), not to encode. */
    public static String render(List<Message> messages, boolean addGenerationPrompt) {
        return render(messages, List.of(), addGenerationPrompt);
    }

    public static String render(List<Message> messages, List<Tool> tools, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder(SpecialToken.BOS.text());
        for (Message m : withTools(messages, tools)) {
            sb.append(SpecialToken.forRole(m.role()).text()).append(m.content());
            for (ToolCall call : m.toolCalls()) {
                sb.append(SpecialToken.TOOL_CALL.text()).append(call.json());
            }
            sb.append(SpecialToken.END.text());
        }
        if (addGenerationPrompt) {
            sb.append(SpecialToken.ASSISTANT.text());
        }
        return sb.toString();
    }

    private static List<Message> withTools(List<Message> messages, List<Tool> tools) {
        Message list = toolsMessage(tools);
        if (list == null) {
            return messages;
        }
        List<Message> all = new ArrayList<>(messages.size() + 1);
        all.add(list);
        all.addAll(messages);
        return all;
    }
}
