package glassbox.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.SpecialToken;

/** {@code /metrics} is Micrometer's Prometheus page: a generation moves the latency histograms. */
class MetricsTest {
    private static final String CHAT = "/v1/chat/completions";

    @Test
    void aStreamedGenerationMovesTheServingHistograms() throws Exception {
        BpeTokenizer t = TestServer.services().engine().tokenizer();
        // end-of-turn banned, so the answer has all its tokens and the per-token histogram sees several
        String bias = "{\"" + t.id(SpecialToken.END) + "\":-100,\"" + t.id(SpecialToken.EOS) + "\":-100}";
        String before = Http.get(TestServer.url() + "/metrics").body();
        var response = Http.post(TestServer.url() + CHAT, "{\"model\":\"course-tiny\",\"max_tokens\":6,\"stream\":true,\"logit_bias\":" + bias
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is a token?\"}]}");
        assertThat(response.statusCode()).isEqualTo(200);
        String after = Http.get(TestServer.url() + "/metrics").body();

        assertThat(value(after, "glassbox_time_to_first_token_seconds_count")).isEqualTo(value(before, "glassbox_time_to_first_token_seconds_count") + 1);
        assertThat(value(after, "glassbox_token_time_seconds_count")).isEqualTo(value(before, "glassbox_token_time_seconds_count") + 5);
        assertThat(value(after, "glassbox_decode_batch_size_sum")).isEqualTo(value(before, "glassbox_decode_batch_size_sum") + 5);
        assertThat(value(after, "glassbox_queue_wait_seconds_count")).isEqualTo(value(before, "glassbox_queue_wait_seconds_count") + 1);
        assertThat(value(after, "glassbox_request_latency_seconds_count{route=\"" + CHAT + "\"}"))
                .isEqualTo(value(before, "glassbox_request_latency_seconds_count{route=\"" + CHAT + "\"}") + 1);
        assertThat(value(after, "glassbox_tokens_generated_total")).isGreaterThanOrEqualTo(value(before, "glassbox_tokens_generated_total") + 6);
        assertThat(value(after, "glassbox_kv_bytes")).isNotNaN();
        assertThat(after).contains("glassbox_time_to_first_token_seconds_bucket{le=\"0.3\"}")
                .contains("jvm_memory_used_bytes{area=\"heap\"").contains("jvm_gc_");
    }

    /** The value of the sample line that starts with {@code series} (0 when the series is not there yet). */
    private static double value(String page, String series) {
        return page.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .findFirst().orElse(0);
    }
}
