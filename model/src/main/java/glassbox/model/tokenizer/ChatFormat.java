package glassbox.model.tokenizer;

import java.util.List;

/**
 * How a conversation becomes one token stream: {@code <|bos|>}, then every message as
 * {@code <|role|>content<|end|>}, and {@code <|assistant|>} when the model is to answer.
 * Retrieved lessons travel in a {@code context} message. tokenizer_config.json's
 * {@link #JINJA_TEMPLATE} says the same thing for Hugging Face tools.
 */
public final class ChatFormat {
    public static final List<String> ROLES = List.of("system", "context", "user", "assistant");

    public static final String JINJA_TEMPLATE = "{{ bos_token }}{% for message in messages %}"
            + "{{ '<|' + message['role'] + '|>' + message['content'] + '<|end|>' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}";

    /** One chat message. */
    public record Message(String role, String content) {
        public Message {
            if (SpecialToken.forRole(role) == null) {
                throw new IllegalArgumentException("unknown role '" + role + "' (expected one of " + ROLES + ")");
            }
            if (content == null) {
                throw new IllegalArgumentException("message content is missing");
            }
        }
    }

    private ChatFormat() {
    }

    public static String render(List<Message> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder(SpecialToken.BOS.text());
        for (Message m : messages) {
            sb.append(SpecialToken.forRole(m.role()).text()).append(m.content()).append(SpecialToken.END.text());
        }
        if (addGenerationPrompt) {
            sb.append(SpecialToken.ASSISTANT.text());
        }
        return sb.toString();
    }
}
