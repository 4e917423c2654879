package glassbox.server.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One learner question of an answer-quality set: the lessons that answer it and key terms of the right explanation. */
public record DevQuestion(String question, List<String> slugs, List<String> keyTerms) {

    /** Reads {@code question<TAB>slug[,slug]<TAB>term[|term]} lines; '#' starts a comment. */
    public static List<DevQuestion> read(Path file) throws IOException {
        List<DevQuestion> out = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 3) {
                throw new IllegalArgumentException(file + ":" + n + ": expected question<TAB>slugs<TAB>key terms, got " + f.length + " fields");
            }
            out.add(new DevQuestion(f[0].strip(), Arrays.stream(f[1].split(",")).map(String::strip).toList(),
                    Arrays.stream(f[2].split("\\|")).map(String::strip).filter(s -> !s.isEmpty()).toList()));
        }
        return out;
    }
}
