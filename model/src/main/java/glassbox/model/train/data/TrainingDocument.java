package glassbox.model.train.data;

import java.util.List;

import glassbox.model.tokenizer.ChatFormat;

/**
 * One unit of training text. {@code group} decides the train/validation split: all documents of
 * a group land on the same side, so a lesson's chat examples never leak into validation when
 * the lesson itself is held out; a document without a group ({@code null}) is always trained on.
 * Chat documents carry their {@code messages}, encoded with {@link ChatFormat#encode} (so a
 * passage that quotes {@code <|end|>} stays text), and only their assistant turns are trained;
 * their {@code text} is the rendering, to read and to hash. Plain documents have no messages.
 */
public record TrainingDocument(String id, String group, String text, List<ChatFormat.Message> messages) {
    public TrainingDocument {
        messages = messages == null ? null : List.copyOf(messages);
    }

    /** Plain text: every token is trained. */
    public static TrainingDocument plain(String id, String group, String text) {
        return new TrainingDocument(id, group, text, null);
    }

    /** A whole conversation (no generation prompt): only the assistant's turns are trained. */
    public static TrainingDocument chat(String id, String group, List<ChatFormat.Message> messages) {
        return new TrainingDocument(id, group, ChatFormat.render(messages, false), messages);
    }

    public boolean chat() {
        return messages != null;
    }
}
