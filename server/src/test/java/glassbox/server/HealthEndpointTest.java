package glassbox.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

class HealthEndpointTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void healthAnswersOkOverHttp() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(TestServer.url() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(Json.MAPPER.readTree(response.body()).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void portInUseIsAOneLineError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            ServerConfig c = TestServer.config();
            ServerConfig busy = new ServerConfig("127.0.0.1", taken.getLocalPort(), c.modelDir(), c.courseDir(), c.indexDir(),
                    c.promptsDir(), null, java.util.List.of(), c.maxBodyBytes(), 1, 1, 0);
            GlassboxServer server = new GlassboxServer(busy, TestServer.services());
            assertThatThrownBy(server::start)
                    .isInstanceOf(ServerStartException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("--port")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void aSecondServerOnATakenPortStopsBeforeLoadingTheModel() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            java.io.PrintStream before = System.err;
            int code;
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                // a model directory that does not exist: only a port check made before loading can name the port
                code = new picocli.CommandLine(new ServeCommand()).execute("--host", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()),
                        "--model", "target/no-such-model", "--course", TestServer.ROOT.resolve("course").toString(),
                        "--prompts", TestServer.ROOT.resolve("prompts").toString(), "--index", "target/test-index");
            } finally {
                System.setErr(before);
            }
            assertThat(code).isEqualTo(1);
            assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("--port").doesNotContain("no-such-model");
        }
    }

    @Test
    void outOfRangePortIsRejected() {
        ServerConfig c = TestServer.config();
        assertThatThrownBy(() -> new ServerConfig("127.0.0.1", 70_000, c.modelDir(), c.courseDir(), c.indexDir(), c.promptsDir(),
                null, java.util.List.of(), c.maxBodyBytes(), 1, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000");
    }
}
