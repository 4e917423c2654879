package glassbox.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The priority-queue encoder gives exactly the ids of the quadratic one it replaced
 * ({@link QuadraticBpe}), on the committed model's vocabulary and on a small one trained here.
 */
class BpeEncoderTest {
    static final Path ROOT = Path.of("..");

    static BpeTokenizer committed;
    static BpeTokenizer small;

    @BeforeAll
    static void load() throws IOException {
        committed = BpeTokenizer.load(ROOT.resolve("models/course-tiny"));
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            texts.addAll(BpeTokenizerTest.CORPUS);
        }
        small = BpeTokenizer.train(texts, 500, null);
    }

    static List<String> courseFiles() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("course"))) {
            List<String> texts = new ArrayList<>();
            for (Path p : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                texts.add(Files.readString(p));
            }
            return texts;
        }
    }

    @Test
    void sameIdsAsTheQuadraticEncoderOnTheWholeCourse() throws IOException {
        List<String> course = courseFiles();
        assertThat(course).hasSizeGreaterThan(20);
        for (BpeTokenizer t : List.of(committed, small)) {
            QuadraticBpe reference = new QuadraticBpe(t);
            for (String text : course) {
                assertThat(t.encode(text)).isEqualTo(reference.encode(text));
            }
        }
    }

    @Test
    void sameIdsOnTheDevQuestionFiles() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.addAll(Files.readAllLines(ROOT.resolve("rag-index/src/test/resources/dev-questions.tsv")));
        lines.addAll(Files.readAllLines(ROOT.resolve("server/src/test/resources/tutor-dev-questions.tsv")));
        assertThat(lines).hasSizeGreaterThan(50);
        QuadraticBpe reference = new QuadraticBpe(committed);
        for (String line : lines) {
            assertThat(committed.encode(line)).as(line).isEqualTo(reference.encode(line));
        }
    }

    @Test
    void sameIdsOnRandomBytes() {
        Random random = new Random(7);
        byte[] course = String.join(" ", BpeTokenizerTest.CORPUS).getBytes(StandardCharsets.UTF_8);
        for (BpeTokenizer t : List.of(committed, small)) {
            BpeEncoder encoder = new BpeEncoder(t.vocabulary(), new PieceCache(1 << 20));
            QuadraticBpe reference = new QuadraticBpe(t);
            for (int n = 0; n < 2000; n++) {
                byte[] piece = new byte[random.nextInt(300)];
                if (n % 2 == 0) {
                    random.nextBytes(piece);   // any bytes, valid UTF-8 or not
                } else {
                    // English bytes with a few changed: many merges, some cut short
                    int from = random.nextInt(course.length - piece.length);
                    System.arraycopy(course, from, piece, 0, piece.length);
                    for (int k = 0; k < piece.length / 20; k++) {
                        piece[random.nextInt(piece.length)] = (byte) random.nextInt(256);
                    }
                }
                assertThat(encoder.merge(piece)).as(Arrays.toString(piece)).isEqualTo(reference.encodePiece(piece));
            }
        }
    }

    @Test
    void sameIdsOnOddUnicode() {
        // Combining marks, joiners and variation selectors, emoji, CJK, right-to-left scripts,
        // other digits and spaces, lone surrogates, controls, a byte order mark; with letters between.
        int[][] ranges = {{0x300, 0x36F}, {0x200B, 0x200F}, {0xFE00, 0xFE0F}, {0x1F300, 0x1FAFF}, {0x4E00, 0x9FFF},
                {0x0590, 0x06FF}, {0x0660, 0x0669}, {0x2000, 0x200A}, {0x2028, 0x2029}, {0x3000, 0x3000}, {0xD800, 0xDFFF},
                {0x0, 0x1F}, {0xFEFF, 0xFEFF}, {0x80, 0xFF}, {'a', 'z'}, {' ', ' '}, {'\n', '\n'}};
        Random random = new Random(11);
        QuadraticBpe reference = new QuadraticBpe(committed);
        for (int n = 0; n < 1000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int i = random.nextInt(60); i > 0; i--) {
                int[] r = ranges[random.nextInt(ranges.length)];
                int cp = r[0] + random.nextInt(r[1] - r[0] + 1);
                if (cp >= 0xD800 && cp <= 0xDFFF) {
                    sb.append((char) cp);   // a lone surrogate: not valid UTF-16, encoded as '?'
                } else {
                    sb.appendCodePoint(cp);
                }
            }
            String s = sb.toString();
            assertThat(committed.encode(s)).isEqualTo(reference.encode(s));
        }
    }

    @Test
    void aNinetyNineKilobyteWordRoundTripsAndFollowsTheReferencesPattern() {
        // The reference needs minutes for 99 KB, so it encodes the word repeated 200 and 201 times:
        // the 201st repeat inserts one block of ids, and each further repeat must insert the same block.
        for (String unit : List.of("attention", "tokenizer", "qzx", "ab")) {
            QuadraticBpe reference = new QuadraticBpe(committed);
            int[] r200 = reference.encode(unit.repeat(200)), r201 = reference.encode(unit.repeat(201));
            int at = 0;
            while (at < r200.length && r200[at] == r201[at]) {
                at++;
            }
            int[] block = Arrays.copyOfRange(r201, at, at + r201.length - r200.length);
            assertThat(concat(Arrays.copyOf(r200, at), block, Arrays.copyOfRange(r200, at, r200.length))).as(unit).isEqualTo(r201);

            int repeats = 99_000 / unit.length();
            String word = unit.repeat(repeats);
            int[] ids = committed.encode(word);
            assertThat(BpeTokenizer.preTokenize(word)).hasSize(1);
            assertThat(committed.decode(ids)).isEqualTo(word);
            int[][] parts = new int[repeats - 200 + 2][];
            parts[0] = Arrays.copyOf(r200, at);
            for (int k = 1; k <= repeats - 200; k++) {
                parts[k] = block;
            }
            parts[parts.length - 1] = Arrays.copyOfRange(r200, at, r200.length);
            assertThat(ids).as(unit).isEqualTo(concat(parts));
        }
    }

    @Test
    void longWordsAgreeWithTheReferenceInFull() {
        Random random = new Random(3);
        QuadraticBpe reference = new QuadraticBpe(committed);
        for (String word : List.of("attention".repeat(1000), "transformer".repeat(700),
                random.ints(8000, 'a', 'z' + 1).collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString())) {
            assertThat(committed.encode(word)).isEqualTo(reference.encode(word));
        }
    }

    @Test
    void emptyAndOneByteTexts() {
        QuadraticBpe reference = new QuadraticBpe(committed);
        for (String s : List.of("", "a", " ", "\n", "é", "<|end|>")) {
            assertThat(committed.encode(s)).isEqualTo(reference.encode(s));
        }
        assertThat(committed.encode("")).isEmpty();
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
    }
}
