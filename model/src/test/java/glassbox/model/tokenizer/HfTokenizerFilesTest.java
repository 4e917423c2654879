package glassbox.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and writing the Hugging Face files loses nothing: the committed model's files come back byte for byte. */
class HfTokenizerFilesTest {
    static final Path COMMITTED = Path.of("../models/course-tiny");

    /** Every key in a fixed order: a {@code Map.of} in the writer once let the key order change from one JVM run to the next. */
    @Test
    void theCommittedTokenizerFilesAreWrittenBackUnchanged(@TempDir Path dir) throws Exception {
        BpeTokenizer.load(COMMITTED).save(dir);
        for (String file : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
            long at = Files.mismatch(dir.resolve(file), COMMITTED.resolve(file));
            String written = Files.readString(dir.resolve(file));
            assertThat(at).as("%s differs from byte %d on: %s", file, at,
                    written.substring((int) Math.max(0, Math.min(at, written.length()) - 80), (int) Math.min(written.length(), Math.max(0, at) + 80)))
                    .isEqualTo(-1L);
        }
    }
}
