package glassbox.server.openai;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.infer.GenerationResult;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.SpecialToken;
import glassbox.server.Json;

/**
 * An answer split into its text and its tool call, if it made one: what precedes
 * {@code <|tool_call|>} is content, what follows is {@code {"name":"...","arguments":{...}}}.
 * A call cut short by {@code max_tokens} keeps what was written of its arguments, as OpenAI does.
 */
record ToolCallText(String content, String name, String arguments, boolean complete) {
    static final String MARKER = SpecialToken.TOOL_CALL.text();
    /** The start of a call as the constraint writes it: compact, name first. */
    static final Pattern HEAD = Pattern.compile("^\\{\"name\":\"([A-Za-z0-9_-]*)(\"(,\"arguments\":)?)?");

    boolean hasCall() {
        return name != null;
    }

    static ToolCallText of(GenerationResult r, BpeTokenizer tokenizer) {
        int callToken = tokenizer.id(SpecialToken.TOOL_CALL);
        int[] ids = r.completion();
        int at = -1;
        for (int i = 0; i < ids.length && at < 0; i++) {
            if (ids[i] == callToken) {
                at = i;
            }
        }
        String text = r.text();
        if (at < 0) {
            return new ToolCallText(text, null, null, false);
        }
        // Split where the marker token is, not at the first spelling of it (free text could spell it).
        int split = tokenizer.decode(java.util.Arrays.copyOf(ids, at)).length();
        if (!text.startsWith(MARKER, split)) {
            split = text.indexOf(MARKER);
        }
        if (split < 0) {   // cut by a stop string before the call
            return new ToolCallText(text, null, null, false);
        }
        return call(text.substring(0, split), text.substring(split + MARKER.length()));
    }

    /** The call from its JSON text (whole or cut short). */
    static ToolCallText call(String content, String json) {
        try {
            JsonNode n = Json.MAPPER.readTree(json);
            if (n != null && n.path("name").isTextual() && n.has("arguments")) {
                return new ToolCallText(content, n.get("name").asText(), n.get("arguments").toString(), true);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // cut short: fall through to the partial reading
        }
        Matcher m = HEAD.matcher(json);
        boolean head = m.find();
        String name = head ? m.group(1) : "";
        String arguments = head && m.group(3) != null ? json.substring(m.end()) : "";
        return new ToolCallText(content, name, arguments, false);
    }

    /** A fresh call id in OpenAI's style. */
    static String newId() {
        byte[] b = new byte[12];
        ThreadLocalRandom.current().nextBytes(b);
        return "call_" + HexFormat.of().formatHex(b);
    }
}
