package glassbox.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A section of a model card (the model directory's README.md) that a command writes: the text
 * between a begin and an end marker is replaced, or the section is appended when the card has
 * none yet. So the card's measured figures are what a command measured, not typed by hand.
 */
public record ModelCardSection(String begin, String end) {
    public ModelCardSection {
        if (!begin.startsWith("<!--") || !end.startsWith("<!--") || begin.equals(end)) {
            throw new IllegalArgumentException("markers are two distinct HTML comments");
        }
    }

    /** Writes {@code body} (without the markers) as this section of {@code modelDir}'s card. */
    public void write(Path modelDir, String body) throws IOException {
        Path card = modelDir.resolve("README.md");
        String text = Files.readString(card);
        String section = begin + "\n" + body.strip() + "\n" + end;
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        text = from >= 0 && to > from ? text.substring(0, from) + section + text.substring(to + end.length())
                : text.stripTrailing() + "\n\n" + section + "\n";
        Files.writeString(card, text);
    }
}
