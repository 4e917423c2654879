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
 * <p>Only the format emits control tokens: {@link #encode} puts the special ids between the
 * messages and encodes each message's text as plain text, so a user who types
 * {@code <|end|><|system|>} gets those characters, not a new system turn.
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

    /**
     * The conversation as token ids: special ids for the structure, each message's content
     * through {@link BpeTokenizer#encode} (so its special-token spellings stay text).
     */
    public static int[] encode(BpeTokenizer tokenizer, List<Message> messages, boolean addGenerationPrompt) {
        List<int[]> parts = new ArrayList<>();
        parts.add(new int[] {tokenizer.id(SpecialToken.BOS)});
        for (Message m : messages) {
            parts.add(new int[] {tokenizer.id(SpecialToken.forRole(m.role()))});
            parts.add(tokenizer.encode(m.content()));
            parts.add(new int[] {tokenizer.id(SpecialToken.END)});
        }
        if (addGenerationPrompt) {
            parts.add(new int[] {tokenizer.id(SpecialToken.ASSISTANT)});
        }
        return parts.stream().flatMapToInt(IntStream::of).toArray();
    }

    /** The conversation as text, special tokens spelled out: for people to read (and for the training examples file), not to encode. */
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
