package glassbox.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.server.Http;
import glassbox.server.TestServer;

class LabApiTest {
    @Test
    void tokenizeGivesIdsTextAndByteOffsetsThatDetokenizeBack() throws Exception {
        String text = "Attention héllo 🙂 <|user|>";
        JsonNode r = Http.json(Http.post(TestServer.url() + "/api/tokenize", "{\"text\":\"" + text + "\"}"));
        JsonNode tokens = r.get("tokens");
        assertThat(r.get("count").asInt()).isEqualTo(tokens.size());
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int at = 0;
        StringBuilder ids = new StringBuilder();
        for (JsonNode t : tokens) {
            assertThat(t.get("start").asInt()).isEqualTo(at);
            at = t.get("end").asInt();
            ids.append(ids.isEmpty() ? "" : ",").append(t.get("id").asInt());
        }
        assertThat(at).isEqualTo(utf8.length);
        JsonNode back = Http.json(Http.post(TestServer.url() + "/api/detokenize", "{\"ids\":[" + ids + "]}"));
        assertThat(back.get("text").asText()).isEqualTo(text);
        // with special: true, the chat marker is one special token
        JsonNode special = Http.json(Http.post(TestServer.url() + "/api/tokenize", "{\"text\":\"<|user|>hi\",\"special\":true}"));
        assertThat(special.get("tokens").get(0).get("special").asBoolean()).isTrue();
    }

    @Test
    void badLabInputIs400() throws Exception {
        assertThat(Http.post(TestServer.url() + "/api/tokenize", "{\"text\":5}").statusCode()).isEqualTo(400);
        assertThat(Http.post(TestServer.url() + "/api/detokenize", "{\"ids\":[-1]}").statusCode()).isEqualTo(400);
        assertThat(Http.get(TestServer.url() + "/api/search?q=x&k=0").statusCode()).isEqualTo(400);
        assertThat(Http.get(TestServer.url() + "/api/search").statusCode()).isEqualTo(400);
        assertThat(Http.get(TestServer.url() + "/api/traces/trace-gone").statusCode()).isEqualTo(404);
        assertThat(Http.get(TestServer.url() + "/api/lessons/no-such-lesson").statusCode()).isEqualTo(404);
    }

    @Test
    void searchReturnsRankedHitsWithMarkedSnippets() throws Exception {
        for (String q : new String[] {"what is nucleus sampling", "AND (", "title:*", "\"unbalanced", "注意力机制", " "}) {
            HttpResponse<String> r = Http.get(TestServer.url() + "/api/search?k=3&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as(q).isEqualTo(200);
        }
        JsonNode hits = Http.json(Http.get(TestServer.url() + "/api/search?k=3&q=nucleus+sampling")).get("hits");
        assertThat(hits.get(0).get("slug").asText()).isEqualTo("19-decoding-strategies");
        assertThat(hits.get(0).get("snippet").asText()).contains("<mark>");
        JsonNode misspelt = Http.json(Http.get(TestServer.url() + "/api/search?k=3&q=nucleus+sampeling"));
        assertThat(misspelt.get("query").asText()).isEqualTo("nucleus sampeling");
        assertThat(misspelt.get("searched_for").asText()).isEqualTo("nucleus sampling");
        assertThat(misspelt.get("hits").get(0).get("slug").asText()).isEqualTo("19-decoding-strategies");
    }

    @Test
    void lessonsAreListedAndRenderedSafely() throws Exception {
        JsonNode list = Http.json(Http.get(TestServer.url() + "/api/lessons"));
        assertThat(list.size()).isEqualTo(26);
        JsonNode lesson = Http.json(Http.get(TestServer.url() + "/api/lessons/08-the-attention-mechanism"));
        String html = lesson.get("html").asText();
        assertThat(html).contains("<h2 id=\"").contains("class=\"math");
        assertThat(html).doesNotContain("<script");
        assertThat(lesson.get("previous").asText()).isEqualTo("07-embeddings");
        assertThat(new LessonHtml().render("<script>alert(1)</script> and $a<b$")).doesNotContain("<script>").contains("&lt;script&gt;")
                .contains("a&lt;b");
    }

    @Test
    void answerBlocksRenderAsDetailsWhileOtherHtmlStaysEscaped() {
        LessonHtml html = new LessonHtml();
        String answer = html.render("**1. Compute.** What is 2 + 2?\n\n<details><summary>Answer</summary>\n\nIt is **4**.\n\n</details>\n");
        assertThat(answer).contains("<details><summary>Answer</summary>").contains("<p>It is <strong>4</strong>.</p>").contains("</details>");
        for (String raw : new String[] {"<details open><summary>Answer</summary>", "<details><summary onclick=\"x()\">Answer</summary>",
                "<details><summary>Answer</summary><script>alert(1)</script>", "<summary>Answer</summary>", "<div>x</div>",
                "<script>alert(1)</script>", "text <details><summary>Answer</summary> inline"}) {
            String out = html.render(raw + "\n\nafter\n");
            assertThat(out).as(raw).doesNotContain("<details").doesNotContain("<summary").doesNotContain("<script").doesNotContain("<div")
                    .contains("&lt;");
        }
    }

    @Test
    void lessonPagesCarryTheModelsNumbersAndLinks() throws Exception {
        JsonNode lesson = Http.json(Http.get(TestServer.url() + "/api/lessons/15-compute-and-scale"));
        String html = lesson.get("html").asText();
        JsonNode training = Http.json(Http.get(TestServer.url() + "/api/model")).get("training");
        assertThat(html).doesNotContain("{{").contains(String.format("%,d", training.get("tokens_seen").asLong()))
                .contains("href=\"/training\"").contains("<details><summary>Answer</summary>");
    }

    @Test
    void distributionGivesTheTopNextTokens() throws Exception {
        JsonNode d = Http.json(Http.post(TestServer.url() + "/api/distribution", "{\"text\":\"The softmax\"}"));
        JsonNode c = d.get("candidates");
        assertThat(c.size()).isEqualTo(LabApi.DISTRIBUTION_TOP);
        for (int i = 1; i < c.size(); i++) {
            assertThat(c.get(i).get("logit").asDouble()).isLessThanOrEqualTo(c.get(i - 1).get("logit").asDouble());
        }
    }

    @Test
    void modelMetricsAndOpenApiAreServed() throws Exception {
        JsonNode m = Http.json(Http.get(TestServer.url() + "/api/model"));
        assertThat(m.get("info").get("parameters").asLong()).isGreaterThan(5_000_000L);
        assertThat(m.get("training").get("curve").size()).isGreaterThan(0);
        Http.get(TestServer.url() + "/health");
        String metrics = Http.get(TestServer.url() + "/metrics").body();
        assertThat(metrics).contains("glassbox_requests_total{route=\"/health\",status=\"200\"}").contains("glassbox_kv_bytes");
        JsonNode api = Http.json(Http.get(TestServer.url() + "/openapi.json"));
        assertThat(api.get("paths").has("/v1/chat/completions")).isTrue();
    }
}
