package glassbox.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.server.lab.TraceStore;

/** What a load balancer in front of replicas relies on: trace ids that name their replica, and the affinity cookie. */
class ReplicaRoutingTest {

    @Test
    void aReplicaIdKeepsOnlyLowerCaseLettersAndDigits() {
        assertThat(ReplicaId.fromFlag("R1")).isEqualTo("r1");
        assertThat(ReplicaId.fromFlag("node-7.school_lan")).isEqualTo("node7schoollan");
        assertThat(ReplicaId.sanitise("x".repeat(50))).hasSize(ReplicaId.MAX_LENGTH);
        assertThatThrownBy(() -> ReplicaId.fromFlag("--_.")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--replica-id");
    }

    @Test
    void withoutAFlagTheReplicaIsNamedAfterTheHost() {
        String id = ReplicaId.resolve(null);
        assertThat(id).matches("[a-z0-9]{1," + ReplicaId.MAX_LENGTH + "}");
        String host = System.getenv("HOSTNAME");
        if (host != null && !ReplicaId.sanitise(host).isEmpty()) {
            assertThat(id).isEqualTo(ReplicaId.sanitise(host));
        }
    }

    @Test
    void traceIdsNameTheirReplicaAndDiffer() {
        TraceStore store = new TraceStore(1 << 20, "r2");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String id = store.newId();
            assertThat(id).matches("trace-r2-[0-9a-f]{20}");
            ids.add(id);
        }
        assertThat(ids).hasSize(100);
        assertThatThrownBy(() -> new TraceStore(1 << 20, "r-2")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theConfigResolvesTheReplicaIdOnce() {
        ServerConfig c = TestServer.config().withReplicaId("Room 12");
        assertThat(c.replicaId()).isEqualTo("room12");
        assertThat(c.withCors(java.util.List.of("https://a.example")).replicaId()).isEqualTo("room12");
        assertThatThrownBy(() -> TestServer.config().withReplicaId("!!")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCompletionsTraceIdNamesTheServersReplicaAndOpensInTheInspector() throws Exception {
        String body = "{\"model\":\"course-tiny\",\"max_tokens\":3,\"seed\":1,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        HttpResponse<String> r = Http.post(TestServer.url() + "/v1/chat/completions", body);
        JsonNode json = Http.json(r);
        String traceId = json.get("trace_id").asText();
        assertThat(traceId).matches("trace-" + TestServer.services().traces().replicaId() + "-[0-9a-f]{20}");
        assertThat(r.headers().firstValue("X-Trace-Id")).hasValue(traceId);
        assertThat(json.get("id").asText()).matches("chatcmpl-[0-9a-f]{20}");
        assertThat(Http.get(TestServer.url() + "/api/traces/" + traceId).statusCode()).isEqualTo(200);
        assertThat(Http.get(TestServer.url() + "/inspect/" + traceId).statusCode()).isEqualTo(200);
    }

    @Test
    void aPageSetsTheAffinityCookieOnceAndTheApiNever() throws Exception {
        HttpResponse<String> first = Http.get(TestServer.url() + "/");
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).matches("gb_session=[0-9a-f]{32}; Path=/; Max-Age=\\d+; SameSite=Lax; HttpOnly");
        HttpResponse<String> again = Http.CLIENT.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(TestServer.url() + "/course"))
                .header("Cookie", cookie.substring(0, cookie.indexOf(";"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(Http.get(TestServer.url() + "/api/model").headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void conversationsWithDifferentAffinityKeysDoNotShareACacheBehindOneProxyAddress() throws Exception {
        String question = "What is a loss function? (" + TraceStore.randomHex() + ")";
        String first = "{\"model\":\"course-tiny\",\"max_tokens\":6,\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":"
                + Json.MAPPER.writeValueAsString(question) + "}]}";
        JsonNode a = Http.json(postWithSession("learner-a", first));
        String answer = a.get("choices").get(0).get("message").get("content").asText();
        String second = "{\"model\":\"course-tiny\",\"max_tokens\":2,\"temperature\":0,\"messages\":["
                + "{\"role\":\"user\",\"content\":" + Json.MAPPER.writeValueAsString(question) + "},"
                + "{\"role\":\"assistant\",\"content\":" + Json.MAPPER.writeValueAsString(answer) + "},"
                + "{\"role\":\"user\",\"content\":\"And why?\"}]}";
        // the same address and question from another browser: no cache of learner a's turn
        assertThat(cached(postWithSession("learner-b", second))).isZero();
        // learner a's follow-up finds its cache
        assertThat(cached(postWithSession("learner-a", second))).isGreaterThanOrEqualTo(a.get("usage").get("prompt_tokens").asInt());
    }

    private static HttpResponse<String> postWithSession(String session, String body) throws Exception {
        return Http.CLIENT.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(TestServer.url() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("X-Session-Id", session)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int cached(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).isEqualTo(200);
        return Http.json(r).get("usage").get("prompt_tokens_details").get("cached_tokens").asInt();
    }
}
