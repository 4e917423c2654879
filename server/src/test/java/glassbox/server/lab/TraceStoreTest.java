package glassbox.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TraceStoreTest {
    /** A trace shaped like the API's: a map holding token records with attention weights. */
    record Token(int id, String text, float[][][] attention) {
    }

    static Map<String, Object> trace(int layers, int heads, int positions, int tokens) {
        List<Token> list = new java.util.ArrayList<>();
        for (int i = 0; i < tokens; i++) {
            list.add(new Token(i, "tok", new float[layers][heads][positions]));
        }
        return Map.of("id", "t", "choices", List.of(Map.of("tokens", list)));
    }

    @Test
    void aTraceIsMeasuredByWhatItHolds() {
        long payload = 6L * 8 * 500 * 100 * Float.BYTES;   // 100 tokens x [6 layers][8 heads][500 positions]
        long estimate = ObjectSize.of(trace(6, 8, 500, 100));
        assertThat(estimate).isBetween(payload, payload + payload / 5);
    }

    @Test
    void theStoreKeepsTracesWithinItsByteBudgetNewestFirst() {
        long one = ObjectSize.of(trace(6, 8, 500, 10));
        TraceStore store = new TraceStore(3 * one + one / 2, "t");
        for (int i = 0; i < 10; i++) {
            store.put("t" + i, trace(6, 8, 500, 10));
            assertThat(store.bytes()).isLessThanOrEqualTo(store.budgetBytes());
        }
        assertThat(store.size()).isEqualTo(3);
        assertThat(store.get("t9")).isPresent();
        assertThat(store.get("t6")).isEmpty();
    }

    @Test
    void aTraceLargerThanTheBudgetIsKeptAloneSoItsAnswerCanStillBeInspected() {
        TraceStore store = new TraceStore(1024, "t");
        store.put("small", Map.of("id", "small"));
        store.put("big", trace(6, 8, 500, 10));
        assertThat(store.get("big")).isPresent();
        assertThat(store.get("small")).isEmpty();
        assertThat(store.size()).isEqualTo(1);
    }
}
