package glassbox.server.tutor;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A lesson section the tutor's answer was given as context; {@code number} is its [n] in the
 * prompt and {@code passage} the text of it the prompt holds (what grounded answers copy from).
 */
public record Citation(int number, String slug, String title, String section, String anchor, String snippet,
                       @JsonIgnore String passage) {
}
