package glassbox.model.infer;

/** Every generation slot is busy and the wait queue is full; the caller should retry later. */
public final class EngineBusyException extends RuntimeException {
    private final int retryAfterSeconds;

    public EngineBusyException(int queued, int retryAfterSeconds) {
        super("The server is busy: " + queued + " requests are already waiting. Retry in " + retryAfterSeconds + " s.");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
