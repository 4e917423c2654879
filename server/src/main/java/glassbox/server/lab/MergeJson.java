package glassbox.server.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.BpeTokenizer.MergeStep;
import glassbox.model.tokenizer.BpeTokenizer.PieceMerges;

/** The tokenizer's merge steps as {@code /api/tokenize} reports them with {@code merges: true}. */
final class MergeJson {
    private MergeJson() {
    }

    /**
     * Per piece: its text, UTF-8 byte offsets in the whole text, the starting tokens (one per byte),
     * the merges in the order they applied (rank, the left token's index, left, right and result ids
     * with the result's text) and the final ids.
     */
    static List<Map<String, Object>> pieces(BpeTokenizer tokenizer, List<PieceMerges> pieces) {
        List<Map<String, Object>> out = new ArrayList<>();
        int offset = 0;
        for (PieceMerges p : pieces) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("text", p.piece());
            m.put("start", offset);
            m.put("end", offset + p.bytes().length);
            offset += p.bytes().length;
            List<Map<String, Object>> initial = new ArrayList<>();
            for (int b : p.bytes()) {
                initial.add(Map.of("id", b, "text", tokenizer.tokenText(b)));
            }
            m.put("initial", initial);
            List<Map<String, Object>> steps = new ArrayList<>();
            for (MergeStep s : p.steps()) {
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("rank", s.rank());
                step.put("index", s.index());
                step.put("left", s.left());
                step.put("right", s.right());
                step.put("result", s.result());
                step.put("text", tokenizer.tokenText(s.result()));
                steps.add(step);
            }
            m.put("steps", steps);
            m.put("ids", p.ids());
            out.add(m);
        }
        return out;
    }
}
