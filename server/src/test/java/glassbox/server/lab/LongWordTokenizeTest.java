package glassbox.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.server.Http;
import glassbox.server.Json;
import glassbox.server.TestServer;

/**
 * Issue 13's request: one 99 KB word to /api/tokenize (it took 85 s of CPU with the quadratic
 * encoder). It is answered, with every byte accounted for; its speed is `./scripts/bench tokenize`.
 */
class LongWordTokenizeTest {
    @Test
    void aNinetyNineKilobyteWordIsTokenizedWhole() throws Exception {
        String word = "attention".repeat(11_000);
        var r = Http.post(TestServer.url() + "/api/tokenize", Json.MAPPER.writeValueAsString(Map.of("text", word)));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Http.json(r);
        BpeTokenizer tokenizer = TestServer.services().engine().tokenizer();
        int[] ids = tokenizer.encode(word);
        assertThat(body.get("count").asInt()).isEqualTo(ids.length);
        JsonNode tokens = body.get("tokens");
        assertThat(tokens.get(tokens.size() - 1).get("end").asInt()).isEqualTo(word.length());
        int[] returned = new int[tokens.size()];
        for (int i = 0; i < returned.length; i++) {
            returned[i] = tokens.get(i).get("id").asInt();
        }
        assertThat(tokenizer.decode(returned)).isEqualTo(word);
    }
}
