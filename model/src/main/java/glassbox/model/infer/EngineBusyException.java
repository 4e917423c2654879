package glassbox.model.infer;

/** Every generation slot is busy and the wait queue is full; the caller should retry later. */
public final class EngineBusyException extends RuntimeException {
    private final int retryAfterSeconds;

    public EngineBusyException(int queued, int retryAfterSeconds) {
        this("The server is busy: " + queued + " requests are already waiting. Retry in " + retryAfterSeconds + " s.", retryAfterSeconds);
    }

    public EngineBusyException(String message, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The request waited its whole queue timeout without getting a slot. */
    static EngineBusyException waitedTooLong(java.time.Duration waited, int retryAfterSeconds) {
        return new EngineBusyException("The server is busy: no generation slot became free within " + waited.toMillis() / 1000.0
                + " s. Retry in " + retryAfterSeconds + " s.", retryAfterSeconds);
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
