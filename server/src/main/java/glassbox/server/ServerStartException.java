package glassbox.server;

/** The server could not start for a reason the user can fix (port taken, unknown host...). */
public final class ServerStartException extends RuntimeException {
    public ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
