package glassbox.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.server.Http;
import glassbox.server.TestServer;

/** {@code POST /api/tokenize} with {@code merges: true}: the JSON steps replay to the tokens it returns; bad uses are 400s. */
class TokenizeMergesApiTest {

    @Test
    void theStepsReplayToTheReturnedTokens() throws Exception {
        JsonNode r = Http.json(Http.post(TestServer.url() + "/api/tokenize", "{\"text\":\"lowest lowly héllo 🙂 42\",\"merges\":true}"));
        List<Integer> replayed = new ArrayList<>();
        int offset = 0;
        for (JsonNode p : r.get("pieces")) {
            assertThat(p.get("start").asInt()).isEqualTo(offset);
            offset = p.get("end").asInt();
            List<Integer> tokens = new ArrayList<>();
            p.get("initial").forEach(t -> tokens.add(t.get("id").asInt()));
            for (JsonNode s : p.get("steps")) {
                int i = s.get("index").asInt();
                assertThat(tokens.subList(i, i + 2)).containsExactly(s.get("left").asInt(), s.get("right").asInt());
                tokens.set(i, s.get("result").asInt());
                tokens.remove(i + 1);
            }
            List<Integer> ids = new ArrayList<>();
            p.get("ids").forEach(id -> ids.add(id.asInt()));
            assertThat(tokens).isEqualTo(ids);
            replayed.addAll(tokens);
        }
        List<Integer> returned = new ArrayList<>();
        r.get("tokens").forEach(t -> returned.add(t.get("id").asInt()));
        assertThat(replayed).isEqualTo(returned);
        // without the flag nothing changes
        assertThat(Http.json(Http.post(TestServer.url() + "/api/tokenize", "{\"text\":\"lowest\"}")).has("pieces")).isFalse();
    }

    @Test
    void badMergeRequestsAre400() throws Exception {
        for (String body : new String[] {"{\"text\":\"a\",\"merges\":\"yes\"}", "{\"text\":\"a\",\"merges\":true,\"special\":true}",
                "{\"text\":\"" + "a".repeat(LabApi.MAX_MERGES_CHARS + 1) + "\",\"merges\":true}"}) {
            assertThat(Http.post(TestServer.url() + "/api/tokenize", body).statusCode()).as(body.substring(0, Math.min(60, body.length()))).isEqualTo(400);
        }
    }
}
