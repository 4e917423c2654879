package glassbox.server.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import glassbox.model.infer.EmbeddingTable;
import glassbox.model.infer.Engine;
import glassbox.model.infer.Inspection;
import glassbox.model.infer.LensLayer;
import glassbox.model.infer.TokenLoss;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.server.ApiError;

/**
 * What the real-model lesson widgets show for a typed text, as JSON-ready maps: per-token loss
 * (lesson 12), nearest tokens and a projection of the embedding table (07), attention rows (08, 09),
 * the logit lens (11) and residual-stream norms (10). The numbers come from the serving engine
 * (one batched forward pass on a fresh cache, under a slot like any request); this class only
 * tokenizes, checks sizes and shapes the answers.
 */
public final class ModelLab {
    /** The loss view reads up to this many tokens (one logits row of 4,096 per token). */
    public static final int MAX_LOSS_TOKENS = 256;
    /** Attention, lens and residual views read up to this many tokens (they keep every layer's rows). */
    public static final int MAX_VIEW_TOKENS = 64;
    public static final int MAX_NEIGHBORS = 50;
    public static final int MAX_PROJECTED = 24;
    public static final int MAX_LENS_TOP = 10;

    private final Engine engine;
    private final BpeTokenizer tokenizer;
    private volatile EmbeddingTable table;

    public ModelLab(Engine engine) {
        this.engine = engine;
        this.tokenizer = engine.tokenizer();
    }

    /** The text's tokens, refused when empty or longer than {@code max}. */
    int[] tokens(String text, int max) {
        int[] ids = tokenizer.encode(text);
        if (ids.length == 0) {
            throw ApiError.invalid("'text' is empty.", "text");
        }
        if (ids.length > max) {
            throw ApiError.invalid("'text' is " + ids.length + " tokens; this view reads at most " + max + ".", "text", "too_many_tokens");
        }
        return ids;
    }

    private List<Map<String, Object>> tokenList(int[] ids) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            Map<String, Object> t = TokenJson.of(tokenizer, ids[i]);
            t.put("position", i);
            out.add(t);
        }
        return out;
    }

    /** Per-token surprise −ln p of every token after the first, the mean (cross-entropy) and perplexity. */
    public Map<String, Object> loss(String text) {
        int[] ids = tokens(text, MAX_LOSS_TOKENS);
        TokenLoss loss = TokenLoss.of(ids, engine.positionLogits(ids));
        List<Map<String, Object>> tokens = tokenList(ids);
        for (int i = 1; i < ids.length; i++) {
            Map<String, Object> t = tokens.get(i);
            t.put("loss", loss.losses()[i - 1]);
            t.put("prob", loss.probs()[i - 1]);
            Map<String, Object> best = TokenJson.of(tokenizer, loss.best()[i - 1]);
            best.put("prob", loss.bestProbs()[i - 1]);
            t.put("predicted", best);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokens", tokens);
        m.put("scored_tokens", ids.length - 1);
        m.put("cross_entropy", ids.length > 1 ? loss.crossEntropy() : null);
        m.put("perplexity", ids.length > 1 ? loss.perplexity() : null);
        m.put("uniform_loss", Math.log(tokenizer.vocabSize()));
        return m;
    }

    private EmbeddingTable table() {
        EmbeddingTable t = table;
        if (t == null) {
            t = engine.embeddingTable();
            table = t;
        }
        return t;
    }

    /** A typed text's token for the embedding views: the first token it encodes to, with all its pieces. */
    private Map<String, Object> lookup(String text, String param) {
        int[] ids = tokenizer.encode(text);
        if (ids.length == 0) {
            throw ApiError.invalid("'" + param + "' is empty.", param);
        }
        Map<String, Object> m = TokenJson.of(tokenizer, ids[0]);
        m.put("input", text);
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(tokenizer.tokenText(id));
        }
        m.put("pieces", pieces);
        return m;
    }

    /** The k tokens nearest to {@code text}'s token by cosine, and a 2-D PCA of the {@code project} texts' tokens. */
    public Map<String, Object> neighbors(String text, int k, List<String> project) {
        EmbeddingTable t = table();
        Map<String, Object> query = lookup(text, "text");
        int id = (int) query.get("id");
        List<Map<String, Object>> near = new ArrayList<>();
        for (EmbeddingTable.Neighbor n : t.nearest(id, k)) {
            Map<String, Object> m = TokenJson.of(tokenizer, n.id());
            m.put("cosine", n.cosine());
            near.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("query", query);
        out.put("neighbors", near);
        if (!project.isEmpty()) {
            List<Map<String, Object>> points = new ArrayList<>();
            int[] ids = new int[project.size()];
            for (int i = 0; i < ids.length; i++) {
                Map<String, Object> p = lookup(project.get(i), "project");
                ids[i] = (int) p.get("id");
                p.put("cosine_to_query", t.cosine(id, ids[i]));
                points.add(p);
            }
            EmbeddingTable.Projection pca = t.pca(ids);
            for (int i = 0; i < ids.length; i++) {
                points.get(i).put("x", pca.points()[i][0]);
                points.get(i).put("y", pca.points()[i][1]);
            }
            out.put("projection", Map.of("points", points, "explained", pca.explained()));
        }
        return out;
    }

    /** Attention rows {@code [head][query][key ≤ query]} of one layer, or of every layer when {@code layer} is null. */
    public Map<String, Object> attention(String text, Integer layer) {
        int[] ids = tokens(text, MAX_VIEW_TOKENS);
        int layers = engine.info().layers();
        if (layer != null && (layer < 0 || layer >= layers)) {
            throw ApiError.invalid("'layer' must be between 0 and " + (layers - 1) + ".", "layer");
        }
        Inspection in = engine.inspect(ids, 0, false);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            if (layer == null || layer == l) {
                out.add(Map.of("layer", l, "heads", in.attention()[l]));
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokens", tokenList(ids));
        m.put("layer_count", layers);
        m.put("head_count", engine.info().heads());
        m.put("head_dim", engine.info().hiddenSize() / engine.info().heads());
        m.put("layers", out);
        return m;
    }

    /** The logit lens at every position: each layer's top guesses for the next token. */
    public Map<String, Object> lens(String text, int top) {
        int[] ids = tokens(text, MAX_VIEW_TOKENS);
        Inspection in = engine.inspect(ids, top, false);
        List<Map<String, Object>> positions = new ArrayList<>();
        for (int p = 0; p < ids.length; p++) {
            List<Map<String, Object>> layers = new ArrayList<>();
            for (LensLayer l : in.lens().get(p)) {
                layers.add(Map.of("layer", l.layer(), "top", l.top()));
            }
            positions.add(Map.of("position", p, "layers", layers));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokens", tokenList(ids));
        m.put("layer_count", engine.info().layers());
        m.put("lens", positions);
        return m;
    }

    /** Norms of the residual stream per position: the embedding, then after each block's attention and after its MLP. */
    public Map<String, Object> residual(String text) {
        int[] ids = tokens(text, MAX_VIEW_TOKENS);
        Inspection in = engine.inspect(ids, 0, true);
        int layers = engine.info().layers();
        List<Map<String, Object>> blocks = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            blocks.add(Map.of("layer", l, "after_attention", norms(in.afterAttention()[l]), "after_mlp", norms(in.residual()[l + 1])));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokens", tokenList(ids));
        m.put("layer_count", layers);
        m.put("hidden_size", engine.info().hiddenSize());
        m.put("embedding", norms(in.residual()[0]));
        m.put("blocks", blocks);
        return m;
    }

    private static double[] norms(float[][] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = Inspection.norm(rows[i]);
        }
        return out;
    }
}
