package glassbox.model.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Ranks sorted on demand are exactly those of a full sort (logit descending, ties by lower id), asked in any order. */
class TokenRankingTest {
    /** The reference: a boxed sort of every id by the rule, written independently of the packing. */
    static int[] fullSort(float[] logits) {
        return IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    @Test
    void ranksAskedInAnyOrderMatchAFullSort() {
        SplittableRandom random = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(5000);
            float[] logits = new float[n];
            for (int i = 0; i < n; i++) {
                // few distinct values in some trials, so ties are common; infinities as bans do
                logits[i] = trial % 3 == 0 ? random.nextInt(7) - 3 : (float) random.nextGaussian() * 4;
                if (random.nextInt(50) == 0) {
                    logits[i] = Float.NEGATIVE_INFINITY;
                }
            }
            int[] expected = fullSort(logits);
            TokenRanking ranking = new TokenRanking(logits);
            int asks = 1 + random.nextInt(40);
            for (int a = 0; a < asks; a++) {
                int r = random.nextInt(10) < 8 ? random.nextInt(Math.min(n, 100)) : random.nextInt(n);
                assertThat(ranking.id(r)).as("trial %d, rank %d of %d", trial, r, n).isEqualTo(expected[r]);
            }
            for (int r = 0; r < ranking.sortedCount(); r++) {
                assertThat(ranking.sortedRankOf(expected[r])).isEqualTo(r);
            }
            if (ranking.sortedCount() < n) {
                assertThat(ranking.sortedRankOf(expected[n - 1])).as("below the sorted ranks").isEqualTo(-1);
            }
        }
    }

    @Test
    void aTopKDrawSortsOnlyAFewRanksOfALargeVocabulary() {
        float[] logits = new float[4096];
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian();
        }
        TokenRanking ranking = new TokenRanking(logits);
        ranking.id(39);
        assertThat(ranking.sortedCount()).isEqualTo(TokenRanking.FIRST_BLOCK);
        assertThat(Sampler.descendingOrder(logits)).containsExactly(fullSort(logits));
    }
}
