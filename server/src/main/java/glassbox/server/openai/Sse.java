package glassbox.server.openai;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import glassbox.server.Json;

/**
 * Server-sent events on a response stream. A failed write means the client went away: it is
 * remembered, later writes are skipped, and {@link #closed()} tells the generation to stop.
 */
final class Sse {
    private final OutputStream out;
    private volatile boolean closed;

    Sse(OutputStream out) {
        this.out = out;
    }

    void data(Object chunk) {
        send(Json.write(chunk));
    }

    void done() {
        send("[DONE]");
    }

    private void send(String payload) {
        if (closed) {
            return;
        }
        try {
            out.write(("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            closed = true;
        }
    }

    boolean closed() {
        return closed;
    }
}
