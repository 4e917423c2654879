package glassbox.model.infer;

/** Why generation ended, named as in the OpenAI API (plus {@code cancelled}). */
public enum FinishReason {
    STOP, LENGTH, CANCELLED;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
