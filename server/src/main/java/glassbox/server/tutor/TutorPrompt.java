package glassbox.server.tutor;

import java.util.List;

import glassbox.model.tokenizer.ChatFormat;

/**
 * What the tutor will send to the model: the chat messages (system, retrieved context, the
 * conversation) and the citations for the passages in it. When nothing relevant was retrieved,
 * {@code fallback} holds the fixed answer and the model is not asked at all.
 */
public record TutorPrompt(List<ChatFormat.Message> messages, List<Citation> citations, String fallback) {
    public boolean answered() {
        return fallback == null;
    }
}
