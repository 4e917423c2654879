package glassbox.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;

import io.javalin.http.Context;

/**
 * Whether a request's client has gone away, asked without blocking while the handler waits for a
 * slot or generates a non-streamed answer: nothing is written then, so only a read of the
 * connection can notice. After the body is read Jetty does not read the connection until the
 * response is done, so the read here competes with nobody. A client that closed its side reads
 * as end-of-stream. A client that sent more bytes (HTTP pipelining, which browsers and common
 * clients don't use) has them consumed here; the connection is then closed after the response.
 */
public final class ClientConnection {
    private ClientConnection() {
    }

    /** A check to call from the handler's own thread; once it says gone, it stays gone. */
    public static BooleanSupplier gone(Context ctx) {
        EndPoint endPoint = endPoint(ctx);
        if (endPoint == null) {
            return () -> false;
        }
        ByteBuffer probe = BufferUtil.allocate(1);
        boolean[] gone = {false};
        return () -> {
            if (!gone[0]) {
                try {
                    int n = endPoint.fill(probe);
                    if (n > 0) {
                        BufferUtil.clear(probe);
                        if (!ctx.res().isCommitted()) {
                            ctx.header("Connection", "close");
                        }
                    }
                    gone[0] = n < 0 || !endPoint.isOpen();
                } catch (IOException e) {
                    gone[0] = true;
                }
            }
            return gone[0];
        };
    }

    /** The connection's end point for HTTP/1.x only: under HTTP/2 one connection carries many requests, and is not this one's to read. */
    private static EndPoint endPoint(Context ctx) {
        Request base = Request.getBaseRequest(ctx.req());
        if (base == null || base.getHttpChannel() == null || !ctx.req().getProtocol().startsWith("HTTP/1.")) {
            return null;
        }
        return base.getHttpChannel().getEndPoint();
    }
}
