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
        GlassboxServer server = new GlassboxServer(new ServerConfig("127.0.0.1", 0));
        server.start();
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(server.url() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}");
        } finally {
            server.stop();
        }
    }

    @Test
    void portInUseIsAOneLineError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            GlassboxServer server = new GlassboxServer(new ServerConfig("127.0.0.1", taken.getLocalPort()));
            assertThatThrownBy(server::start)
                    .isInstanceOf(ServerStartException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("--port")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void unknownHostIsAClearError() {
        GlassboxServer server = new GlassboxServer(new ServerConfig("no-such-host.invalid", 0));
        assertThatThrownBy(server::start)
                .isInstanceOf(ServerStartException.class)
                .hasMessageContaining("no-such-host.invalid");
    }

    @Test
    void outOfRangePortIsRejected() {
        assertThatThrownBy(() -> new ServerConfig("127.0.0.1", 70_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000");
    }
}
