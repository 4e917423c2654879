package glassbox.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import glassbox.model.tokenizer.Vocabulary.Merge;

/** The encoder's merge lookup answers as a plain map does (the reference encoder uses it too, so it is checked alone). */
class MergeTableTest {
    @Test
    void findsEveryMergeAndNothingElse() throws Exception {
        List<Merge> merges = BpeTokenizer.load(Path.of("../models/course-tiny")).vocabulary().merges();
        Map<Long, Merge> map = new HashMap<>();
        merges.forEach(m -> map.put(Vocabulary.pair(m.left(), m.right()), m));
        MergeTable table = new MergeTable(merges);
        for (Merge m : merges) {
            assertThat(table.get(m.left(), m.right())).isEqualTo(map.get(Vocabulary.pair(m.left(), m.right())));
        }
        Random random = new Random(1);
        for (int n = 0; n < 200_000; n++) {
            int left = random.nextInt(4200), right = random.nextInt(4200);
            assertThat(table.get(left, right)).isEqualTo(map.get(Vocabulary.pair(left, right)));
        }
    }

    @Test
    void aPairLearnedTwiceKeepsTheLaterMergeAndEmptyTablesWork() {
        MergeTable table = new MergeTable(List.of(new Merge(1, 2, 0, 300), new Merge(3, 4, 1, 301), new Merge(1, 2, 2, 300)));
        assertThat(table.get(1, 2).rank()).isEqualTo(2);
        assertThat(table.get(3, 4).result()).isEqualTo(301);
        assertThat(table.get(2, 1)).isNull();
        assertThat(new MergeTable(List.of()).get(0, 0)).isNull();
    }
}
