package glassbox.model.infer;

import java.util.List;

/** Logit lens for one layer: what the model would predict if it stopped after this layer. */
public record LensLayer(int layer, List<ScoredToken> top) {
}
