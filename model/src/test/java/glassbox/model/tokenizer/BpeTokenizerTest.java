package glassbox.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.tjake.jlama.model.llama.LlamaTokenizer;

class BpeTokenizerTest {
    /** English prose written for this test: enough repetition for a few hundred merges. */
    static final List<String> CORPUS = List.of(
            "A neuron takes a weighted sum of its inputs, adds a bias, and passes the result through an activation function.",
            "The attention layer lets every token look back at the tokens before it and mix their values.",
            "During training, the model predicts the next token and the loss measures how surprised it was.",
            "Tokenization turns text into integers; byte-level BPE starts from the 256 bytes and merges frequent pairs.",
            "The learning rate warms up for 100 steps and then follows a cosine curve down to one tenth.",
            "Temperature divides the logits before the softmax; top-k keeps the k best tokens, top-p keeps a nucleus.",
            "Retrieval-augmented generation puts the lessons it finds in front of the question so the tutor can cite them.",
            "It's the model's job: they're learning, we've seen it, I'm sure you'll like it, he'd say.");

    static BpeTokenizer tokenizer;

    @BeforeAll
    static void train() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            texts.addAll(CORPUS);
        }
        tokenizer = BpeTokenizer.train(texts, 500, null);
    }

    @Test
    void firstMergeJoinsTheMostFrequentPair() {
        // Pieces: "ab", " ab", " ab", " cd": the pair (a,b) occurs 3 times, (' ',a) twice, the rest once.
        BpeTokenizer t = BpeTokenizer.train(List.of("ab ab ab cd"), 256 + SpecialToken.values().length + 1, null);
        int[] ids = t.encode("ab");
        assertThat(ids).containsExactly(256);
        assertThat(new String(t.tokenBytes(256), StandardCharsets.UTF_8)).isEqualTo("ab");
        assertThat(t.encode(" cd")).containsExactly(' ', 'c', 'd');
        assertThat(t.vocabSize()).isEqualTo(256 + SpecialToken.values().length + 1);
    }

    @Test
    void frequentWordsBecomeSingleTokens() {
        assertThat(tokenizer.encode(" the")).hasSize(1);
        assertThat(tokenizer.encode(" the token")).hasSizeLessThan(" the token".length());
    }

    @Test
    void roundTripsAnyUtf8() {
        List<String> samples = List.of("", " ", "hello world", "naïve café — “quotes”", "日本語のテキスト", "emoji 👩‍💻🚀 mixed",
                "tabs\tand\nnewlines\r\n", "\u0000\u0001\u001f control", "  leading and trailing  ", "x".repeat(5000));
        for (String s : samples) {
            assertThat(tokenizer.decode(tokenizer.encode(s))).isEqualTo(s);
        }
        Random random = new Random(42);
        for (int n = 0; n < 200; n++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                int cp;
                do {
                    cp = random.nextInt(4) == 0 ? random.nextInt(0x1F000) : random.nextInt(0x250);
                } while (Character.isSurrogate((char) cp) && cp < 0x10000);
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            assertThat(tokenizer.decode(tokenizer.encode(s))).isEqualTo(s);
        }
    }

    @Test
    void specialTokensOnlyFromTheirSpellingWhenAsked() {
        String chat = "<|user|>hi<|end|>";
        int[] withSpecials = tokenizer.encodeWithSpecials(chat);
        assertThat(withSpecials[0]).isEqualTo(tokenizer.id(SpecialToken.USER));
        assertThat(withSpecials[withSpecials.length - 1]).isEqualTo(tokenizer.id(SpecialToken.END));
        assertThat(tokenizer.decode(withSpecials)).isEqualTo(chat);
        int[] plain = tokenizer.encode(chat);
        assertThat(Arrays.stream(plain).noneMatch(tokenizer::isSpecial)).isTrue();
        assertThat(tokenizer.decode(plain)).isEqualTo(chat);
        assertThat(tokenizer.id(SpecialToken.TOOL)).isEqualTo(tokenizer.vocabSize() - 1);
        assertThat(tokenizer.id(SpecialToken.BOS)).isEqualTo(tokenizer.vocabSize() - SpecialToken.values().length);
    }

    @Test
    void streamDecoderEmitsOnlyWholeCharacters() {
        String text = "Glassbox 👩‍💻 says 日本 and é.";
        int[] ids = tokenizer.encode(text);
        // Characters outside the training text have no merges: emojis arrive as single bytes.
        StreamDecoder decoder = tokenizer.streamDecoder();
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            String piece = decoder.accept(id);
            assertThat(piece).doesNotContain("\uFFFD");
            out.append(piece);
        }
        out.append(decoder.flush());
        assertThat(out.toString()).isEqualTo(text);
    }

    @Test
    void streamDecoderHoldsBackAnUnfinishedCharacter() {
        byte[] rocket = "🚀".getBytes(StandardCharsets.UTF_8);
        StreamDecoder decoder = tokenizer.streamDecoder();
        for (int i = 0; i < rocket.length - 1; i++) {
            assertThat(decoder.accept(rocket[i] & 0xFF)).isEmpty();
        }
        assertThat(decoder.accept(rocket[rocket.length - 1] & 0xFF)).isEqualTo("🚀");
        // A lone continuation byte can never complete: it is flushed as a replacement character.
        assertThat(decoder.accept(0x80)).isEqualTo("\uFFFD");
        assertThat(decoder.accept(0xE6)).isEmpty();
        assertThat(decoder.flush()).isEqualTo("\uFFFD");
    }

    @Test
    void trainingIsDeterministic(@TempDir Path a, @TempDir Path b) throws Exception {
        List<String> texts = new ArrayList<>(CORPUS);
        BpeTokenizer.train(texts, 400, null).save(a);
        BpeTokenizer.train(texts, 400, null).save(b);
        assertThat(Files.readString(a.resolve("tokenizer.json"))).isEqualTo(Files.readString(b.resolve("tokenizer.json")));
    }

    @Test
    void saveAndLoadGiveTheSameTokenizer(@TempDir Path dir) throws Exception {
        tokenizer.save(dir);
        BpeTokenizer loaded = BpeTokenizer.load(dir);
        assertThat(loaded.vocabSize()).isEqualTo(tokenizer.vocabSize());
        for (String s : CORPUS) {
            assertThat(loaded.encode(s)).isEqualTo(tokenizer.encode(s));
            assertThat(loaded.encodeWithSpecials("<|bos|>" + s + "<|eos|>")).isEqualTo(tokenizer.encodeWithSpecials("<|bos|>" + s + "<|eos|>"));
        }
        String config = Files.readString(dir.resolve("tokenizer_config.json"));
        assertThat(config).contains("\"chat_template\"").contains("\"bos_token\" : \"<|bos|>\"").doesNotContain("legacy");
    }

    @Test
    void jlamaReadsOurTokenizerJsonAndAgreesOnAscii(@TempDir Path dir) throws Exception {
        tokenizer.save(dir);
        LlamaTokenizer jlama = new LlamaTokenizer(dir);
        List<String> sample = new ArrayList<>(CORPUS);
        sample.add("Unseen words: zygote quixotic 12345 3.14159 (x+y)*z == 42!");
        sample.add("  two spaces, a tab\tand a newline\nhere");
        for (String s : sample) {
            long[] theirs = jlama.encode(s);
            int[] ours = tokenizer.encode(s);
            assertThat(Arrays.stream(theirs).mapToInt(x -> (int) x).toArray()).as(s).isEqualTo(ours);
        }
        long[] special = jlama.encode("<|user|>hello<|end|>");
        assertThat(special[0]).isEqualTo(tokenizer.id(SpecialToken.USER));
        assertThat(special[special.length - 1]).isEqualTo(tokenizer.id(SpecialToken.END));
    }

    @Test
    void refusesAVocabularyTooSmallForBytesAndSpecials() {
        assertThatThrownBy(() -> BpeTokenizer.train(CORPUS, 200, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least " + (256 + SpecialToken.values().length));
        assertThatThrownBy(() -> BpeTokenizer.train(List.of("ab"), 4096, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too small");
    }

    @Test
    void chatFormatRendersRolesAndRefusesUnknownOnes() {
        String rendered = ChatFormat.render(List.of(new ChatFormat.Message("system", "Be brief."),
                new ChatFormat.Message("user", "Hi")), true);
        assertThat(rendered).isEqualTo("<|bos|><|system|>Be brief.<|end|><|user|>Hi<|end|><|assistant|>");
        assertThatThrownBy(() -> new ChatFormat.Message("wizard", "x")).hasMessageContaining("unknown role 'wizard'");
    }
}
