package glassbox.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import glassbox.model.export.WeightsIo;
import glassbox.model.train.Parallel;
import glassbox.model.train.Transformer;
import glassbox.model.train.Weights;

/**
 * What the lab shows for a typed text, from the serving engine (jlama plus the trace recorder),
 * against a second implementation: the trainer's own forward pass on the same committed weights.
 */
class LabViewsTest {
    static final Path DIR = Path.of("../models/course-tiny");
    static final String TEXT = "Attention lets every token look back at the tokens before it.";
    static Engine engine;
    static Weights weights;
    static Parallel par = new Parallel(2);
    static int[] ids;
    static Transformer trainer;

    @BeforeAll
    static void load() throws Exception {
        engine = Engine.load(DIR, EngineOptions.defaults());
        weights = WeightsIo.load(DIR);
        ids = engine.tokenizer().encode(TEXT);
        trainer = new Transformer(weights, 1, ids.length, par);
        trainer.forward(ids);
    }

    @AfterAll
    static void close() {
        engine.close();
        par.close();
    }

    @Test
    void perTokenLossMatchesTheTrainersCrossEntropy() {
        TokenLoss loss = TokenLoss.of(ids, engine.positionLogits(ids));
        assertThat(loss.losses()).hasSize(ids.length - 1);
        for (int i = 0; i + 1 < ids.length; i++) {
            float p = trainer.probabilities(i)[ids[i + 1]];
            assertThat((double) loss.losses()[i]).as("token %d", i + 1).isCloseTo(-Math.log(p), within(1e-3));
            assertThat(loss.bestProbs()[i]).isGreaterThanOrEqualTo(loss.probs()[i]);
        }
        int[] targets = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            targets[i] = i + 1 < ids.length ? ids[i + 1] : Transformer.IGNORED;
        }
        Transformer t = new Transformer(weights, 1, ids.length, par);
        t.forward(ids);
        double trainerLoss = t.crossEntropy(targets);
        assertThat(loss.crossEntropy()).isCloseTo(trainerLoss, within(1e-3));
        assertThat(loss.perplexity()).isCloseTo(Math.exp(trainerLoss), within(1e-2));
    }

    @Test
    void tokenLossOfTheLessonsWorkedExample() {
        // three-token vocabulary, logits (2, 1, 0.1), target the first: p = 0.659, loss 0.417
        TokenLoss loss = TokenLoss.of(new int[]{2, 0}, new float[][]{{2f, 1f, 0.1f}});
        assertThat((double) loss.probs()[0]).isCloseTo(0.659, within(1e-3));
        assertThat(loss.crossEntropy()).isCloseTo(0.417, within(1e-3));
        assertThat(loss.best()[0]).isZero();
    }

    @Test
    void attentionRowsAndTheResidualStreamMatchTheTrainer() {
        Inspection in = engine.inspect(ids, 3, true);
        int layers = weights.config.numLayers(), heads = weights.config.numHeads(), h = weights.config.hiddenSize();
        for (int l = 0; l < layers; l++) {
            for (int head = 0; head < heads; head++) {
                for (int q = 0; q < ids.length; q++) {
                    float[] row = in.attention()[l][head][q];
                    float[] expected = trainer.attentionRow(l, head, q);
                    assertThat(row).hasSize(q + 1);
                    for (int k = 0; k <= q; k++) {
                        assertThat(row[k]).as("layer %d head %d query %d key %d", l, head, q, k).isCloseTo(expected[k], within(1e-4f));
                    }
                }
            }
        }
        for (int l = 0; l <= layers; l++) {
            float[] before = trainer.residualBefore(l);
            float[] mid = l < layers ? trainer.residualAfterAttention(l) : null;
            for (int p = 0; p < ids.length; p++) {
                assertClose(in.residual()[l][p], before, p * h, "stream entering block " + l);
                if (mid != null) {
                    assertClose(in.afterAttention()[l][p], mid, p * h, "stream after attention of block " + l);
                }
            }
        }
        // the last layer's lens is the model's own prediction
        float[][] logits = engine.positionLogits(ids);
        for (int p = 0; p < ids.length; p++) {
            List<LensLayer> lens = in.lens().get(p);
            assertThat(lens).hasSize(layers);
            assertThat(lens.getLast().top().getFirst().id()).isEqualTo(argmax(logits[p]));
        }
    }

    @Test
    void theEmbeddingIsTheNormalisedMeanOfTheFinalHiddenStates() {
        float[] e = engine.embedding(ids);
        int h = weights.config.hiddenSize();
        float[] normed = trainer.finalNormed();
        double[] mean = new double[h];
        for (int p = 0; p < ids.length; p++) {
            for (int i = 0; i < h; i++) {
                mean[i] += normed[p * h + i];
            }
        }
        double len = 0;
        for (double x : mean) {
            len += x * x;
        }
        len = Math.sqrt(len);
        assertThat(Inspection.norm(e)).isCloseTo(1.0, within(1e-5));
        for (int i = 0; i < h; i++) {
            assertThat((double) e[i]).isCloseTo(mean[i] / len, within(1e-4));
        }
    }

    @Test
    void neighboursAreSortedByCosineOfTheTrainersEmbeddingRows() {
        EmbeddingTable table = engine.embeddingTable();
        int h = weights.config.hiddenSize();
        int id = ids[1];
        List<EmbeddingTable.Neighbor> near = table.nearest(id, 10);
        assertThat(near).hasSize(10).noneMatch(n -> n.id() == id);
        double previous = 1.0001;
        for (EmbeddingTable.Neighbor n : near) {
            double dot = 0, a = 0, b = 0;
            for (int i = 0; i < h; i++) {
                float x = weights.data[weights.embed.offset() + id * h + i], y = weights.data[weights.embed.offset() + n.id() * h + i];
                dot += x * y;
                a += x * x;
                b += y * y;
            }
            assertThat(n.cosine()).isCloseTo(dot / Math.sqrt(a * b), within(1e-6)).isLessThanOrEqualTo(previous);
            previous = n.cosine();
        }
        // nothing outside the list is closer than its last entry
        for (int t = 0; t < table.vocabSize(); t++) {
            int other = t;
            if (t != id && near.stream().noneMatch(n -> n.id() == other)) {
                assertThat(table.cosine(id, t)).isLessThanOrEqualTo(previous + 1e-12);
            }
        }
    }

    @Test
    void pcaAgreesWithPowerIterationOnTheCovariance() {
        EmbeddingTable table = engine.embeddingTable();
        int[] chosen = {ids[0], ids[1], ids[2], ids[3], 100, 200, 300, 400};
        EmbeddingTable.Projection p = table.pca(chosen);
        int m = chosen.length, h = table.width();
        double[][] x = new double[m][h];
        double[] mean = new double[h];
        for (int r = 0; r < m; r++) {
            float[] row = table.row(chosen[r]);
            for (int i = 0; i < h; i++) {
                mean[i] += row[i] / (double) m;
            }
        }
        double total = 0;
        for (int r = 0; r < m; r++) {
            float[] row = table.row(chosen[r]);
            for (int i = 0; i < h; i++) {
                x[r][i] = row[i] - mean[i];
                total += x[r][i] * x[r][i];
            }
        }
        // power iteration on C = XᵀX with deflation: the principal directions themselves
        double[][] found = new double[2][];
        Random random = new Random(1);
        for (int axis = 0; axis < 2; axis++) {
            double[] v = new double[h];
            for (int i = 0; i < h; i++) {
                v[i] = random.nextGaussian();
            }
            double lambda = 0;
            for (int it = 0; it < 3000; it++) {
                double[] xv = new double[m];
                for (int r = 0; r < m; r++) {
                    for (int i = 0; i < h; i++) {
                        xv[r] += x[r][i] * v[i];
                    }
                }
                double[] next = new double[h];
                for (int r = 0; r < m; r++) {
                    for (int i = 0; i < h; i++) {
                        next[i] += x[r][i] * xv[r];
                    }
                }
                for (int prev = 0; prev < axis; prev++) {
                    double d = 0;
                    for (int i = 0; i < h; i++) {
                        d += next[i] * found[prev][i];
                    }
                    for (int i = 0; i < h; i++) {
                        next[i] -= d * found[prev][i];
                    }
                }
                double len = 0;
                for (double c : next) {
                    len += c * c;
                }
                lambda = Math.sqrt(len);
                for (int i = 0; i < h; i++) {
                    v[i] = next[i] / lambda;
                }
            }
            found[axis] = v;
            assertThat(p.explained()[axis]).as("variance share of axis %d", axis).isCloseTo(lambda / total, within(1e-6));
            double[] coords = new double[m];
            for (int r = 0; r < m; r++) {
                for (int i = 0; i < h; i++) {
                    coords[r] += x[r][i] * v[i];
                }
            }
            double sign = Math.signum(coords[0]) == Math.signum(p.points()[0][axis]) ? 1 : -1;
            for (int r = 0; r < m; r++) {
                assertThat(p.points()[r][axis]).isCloseTo(sign * coords[r], within(1e-4));
            }
        }
    }

    private static void assertClose(float[] got, float[] all, int offset, String what) {
        float scale = 0;
        for (int i = 0; i < got.length; i++) {
            scale = Math.max(scale, Math.abs(all[offset + i]));
        }
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i]).as(what).isCloseTo(all[offset + i], within(2e-4f * Math.max(1f, scale)));
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
