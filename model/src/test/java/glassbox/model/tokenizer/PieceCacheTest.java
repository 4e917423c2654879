package glassbox.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/** The cache of encoded pieces stays within its memory bound whatever text arrives, and never changes an encoding. */
class PieceCacheTest {
    @Test
    void aStreamOfUniqueLongWordsStaysWithinTheBound() {
        BpeTokenizer t = BpeTokenizer.train(BpeTokenizerTest.CORPUS, 400, null);
        long bound = 64 * 1024;
        BpeEncoder encoder = new BpeEncoder(t.vocabulary(), new PieceCache(bound));
        QuadraticBpe reference = new QuadraticBpe(t);
        Random random = new Random(5);
        long offered = 0;
        for (int n = 0; n < 3000; n++) {
            String word = " " + randomWord(random, 20 + random.nextInt(200));
            int[] ids = encoder.encode(word);
            offered += PieceCache.cost(word, ids);
            assertThat(ids).isEqualTo(reference.encode(word));
            assertThat(encoder.cache().bytes()).isLessThanOrEqualTo(bound);
        }
        assertThat(offered).as("the test offers far more than the bound").isGreaterThan(10 * bound);
        assertThat(encoder.cache().size()).isPositive();
    }

    @Test
    void theTokenizersOwnCacheIsBoundedToo() {
        BpeTokenizer t = BpeTokenizer.train(BpeTokenizerTest.CORPUS, 400, null);
        Random random = new Random(9);
        StringBuilder text = new StringBuilder();
        long offered = 0;
        for (int n = 0; n < 40_000; n++) {
            String word = " " + randomWord(random, 100 + random.nextInt(100));
            text.append(word);
            offered += PieceCache.cost(word, new int[word.length() / 2]);
            if (text.length() > 100_000) {
                t.encode(text.toString());
                text.setLength(0);
            }
        }
        t.encode(text.toString());
        assertThat(offered).isGreaterThan(BpeEncoder.CACHE_BYTES);
        assertThat(t.pieceCacheBytes()).isPositive().isLessThanOrEqualTo(BpeEncoder.CACHE_BYTES);
    }

    @Test
    void leastRecentlyUsedLeavesFirstAndHugePiecesAreNotKept() {
        long entry = PieceCache.cost("word000", new int[3]);
        PieceCache cache = new PieceCache(100 * entry);   // room for exactly 100 such entries
        for (int i = 0; i < 100; i++) {
            cache.put("word%03d".formatted(i), new int[3]);
        }
        assertThat(cache.size()).isEqualTo(100);
        assertThat(cache.get("word000")).isNotNull();   // now the most recently used
        cache.put("word100", new int[3]);
        assertThat(cache.size()).isEqualTo(100);
        assertThat(cache.bytes()).isEqualTo(100 * entry);
        assertThat(cache.get("word001")).as("the least recently used").isNull();
        assertThat(cache.get("word000")).isNotNull();
        assertThat(cache.get("word100")).isNotNull();

        PieceCache big = new PieceCache(64 * 1024);
        big.put("x".repeat(1000), new int[1000]);   // 6 KB: over a 64th of the budget
        assertThat(big.size()).isZero();
        assertThat(big.bytes()).isZero();
        big.put("x".repeat(100), new int[100]);
        assertThat(big.size()).isOne();
    }

    @Test
    void threadsSharingASmallCacheGetTheSameIds() throws Exception {
        BpeTokenizer t = BpeTokenizer.train(BpeTokenizerTest.CORPUS, 400, null);
        BpeEncoder shared = new BpeEncoder(t.vocabulary(), new PieceCache(8 * 1024));   // evicts all the time
        QuadraticBpe reference = new QuadraticBpe(t);
        List<String> texts = new ArrayList<>();
        Random random = new Random(13);
        for (int n = 0; n < 200; n++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 30; w++) {
                sb.append(random.nextBoolean() ? BpeTokenizerTest.CORPUS.get(random.nextInt(BpeTokenizerTest.CORPUS.size()))
                        : " " + randomWord(random, 1 + random.nextInt(12)));
            }
            texts.add(sb.toString());
        }
        List<int[]> expected = texts.stream().map(reference::encode).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                int offset = thread;
                results.add(pool.submit(() -> {
                    for (int k = 0; k < texts.size(); k++) {
                        int i = (k * 7 + offset * 50) % texts.size();
                        if (!Arrays.equals(shared.encode(texts.get(i)), expected.get(i))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(shared.cache().bytes()).isLessThanOrEqualTo(8 * 1024);
    }

    private static String randomWord(Random random, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append((char) ('a' + random.nextInt(26)));
        }
        return sb.toString();
    }
}
