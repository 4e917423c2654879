package glassbox.server.tutor;

/** A lesson section the tutor's answer was given as context; {@code number} is its [n] in the prompt. */
public record Citation(int number, String slug, String title, String section, String anchor, String snippet) {
}
