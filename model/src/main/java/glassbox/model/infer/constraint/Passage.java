package glassbox.model.infer.constraint;

/** A retrieved passage as the prompt shows it: its citation number [n] and its text. */
public record Passage(int number, String text) {
}
