package glassbox.model.infer.constraint;

/** The characters {@code [start, end)} of passage {@code passage} (its [n]) that a generated token copies. */
public record TokenSource(int passage, int start, int end) {
}
