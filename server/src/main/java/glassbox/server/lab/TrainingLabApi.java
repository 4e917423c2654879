package glassbox.server.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.server.ApiError;
import glassbox.server.RequestBody;
import glassbox.server.Services;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * The lab endpoints of the training lessons (13–17, 20): the chat template rendered with the real
 * {@link ChatFormat} (lesson 16) and the training corpus as training built it (lesson 13).
 */
public final class TrainingLabApi {
    private final BpeTokenizer tokenizer;

    public TrainingLabApi(Services services) {
        this.tokenizer = services.engine().tokenizer();
    }

    public void register(Javalin app) {
        app.post("/api/chat/template", this::chatTemplate);
    }

    /** {@code {messages: [{role, content}], add_generation_prompt?}} → the text, its tokens and the loss mask. */
    private void chatTemplate(Context ctx) {
        JsonNode body = RequestBody.json(ctx);
        List<ChatFormat.Message> messages = messages(body.get("messages"));
        JsonNode gen = body.get("add_generation_prompt");
        if (gen != null && !gen.isNull() && !gen.isBoolean()) {
            throw ApiError.invalid("'add_generation_prompt' must be true or false.", "add_generation_prompt");
        }
        ChatTemplateLab.Rendered r = ChatTemplateLab.render(tokenizer, messages, gen != null && gen.asBoolean(false));
        List<Map<String, Object>> tokens = new ArrayList<>();
        for (ChatTemplateLab.Token t : r.tokens()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.id());
            m.put("text", t.text());
            m.put("special", t.special());
            m.put("trained", t.trained());
            tokens.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("text", r.text());
        out.put("count", tokens.size());
        out.put("trained_count", r.trainedCount());
        out.put("tokens", tokens);
        ctx.json(out);
    }

    static List<ChatFormat.Message> messages(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiError.invalid("'messages' must be a non-empty array of {role, content}.", "messages");
        }
        if (node.size() > ChatTemplateLab.MAX_MESSAGES) {
            throw ApiError.invalid("At most " + ChatTemplateLab.MAX_MESSAGES + " messages.", "messages");
        }
        List<ChatFormat.Message> out = new ArrayList<>();
        int chars = 0;
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            JsonNode role = m.get("role"), content = m.get("content");
            if (role == null || !role.isTextual() || !ChatFormat.ROLES.contains(role.asText())) {
                throw ApiError.invalid("messages[" + i + "].role must be one of " + ChatFormat.ROLES + ".", "messages");
            }
            if (content == null || !content.isTextual()) {
                throw ApiError.invalid("messages[" + i + "].content must be a string.", "messages");
            }
            chars += content.asText().length();
            if (chars > ChatTemplateLab.MAX_CHARS) {
                throw ApiError.invalid("The messages are longer than " + ChatTemplateLab.MAX_CHARS + " characters together.", "messages");
            }
            out.add(new ChatFormat.Message(role.asText(), content.asText()));
        }
        return out;
    }
}
