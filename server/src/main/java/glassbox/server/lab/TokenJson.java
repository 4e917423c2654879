package glassbox.server.lab;

import java.util.LinkedHashMap;
import java.util.Map;

import glassbox.model.tokenizer.BpeTokenizer;

/** One token as the APIs describe it: id, readable text, bytes 0-255 and whether it is a special token. */
public final class TokenJson {
    private TokenJson() {
    }

    public static Map<String, Object> of(BpeTokenizer tokenizer, int id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("text", tokenizer.tokenText(id));
        m.put("bytes", tokenizer.unsignedBytes(id));
        m.put("special", tokenizer.isSpecial(id));
        return m;
    }
}
