package glassbox.model.infer.constraint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import glassbox.model.text.Sentences;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.SpecialToken;

class GroundingConstraintTest {
    static final List<Passage> PASSAGES = List.of(
            new Passage(1, "Top-p sampling keeps the smallest set of tokens whose probability reaches p. The rest are dropped "
                    + "before the draw. It adapts to how sure the model is."),
            new Passage(2, "Temperature divides the logits before the softmax. A low temperature sharpens the distribution, "
                    + "so the likely tokens win more often. Greedy decoding — θ at zero — always takes the top token."));
    static BpeTokenizer tokenizer;
    static int end;

    @BeforeAll
    static void train() {
        List<String> texts = new ArrayList<>();
        for (Passage p : PASSAGES) {
            texts.add(p.text());
        }
        tokenizer = BpeTokenizer.train(texts, 420, null);
        end = tokenizer.id(SpecialToken.END);
    }

    /** Walks the constraint with random choices among the allowed tokens until it ends; returns the emitted ids. */
    static List<Integer> walk(Constraint c, long seed, List<TokenSource> sources) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Integer> out = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            BitSet allowed = c.allowed();
            if (allowed.isEmpty()) {
                return out;
            }
            int[] ids = allowed.stream().toArray();
            int id = ids[random.nextInt(ids.length)];
            TokenSource s = c.accept(id);
            if (id == end || id == tokenizer.id(SpecialToken.EOS)) {
                return out;
            }
            out.add(id);
            sources.add(s);
        }
        throw new AssertionError("the constraint never let the answer end");
    }

    @Test
    void everyAnswerIsWholePassageSentencesEachRunCitedByItsPassage() {
        GroundingIndex index = GroundingIndex.build(PASSAGES, tokenizer, GroundingRules.ANY_SENTENCES);
        List<String> sentences = new ArrayList<>();
        for (Passage p : PASSAGES) {
            Sentences.split(p.text()).forEach(s -> sentences.add(s.of(p.text())));
        }
        for (long seed = 0; seed < 200; seed++) {
            List<TokenSource> sources = new ArrayList<>();
            String answer = tokenizer.decode(walk(index.start(), seed, sources).stream().mapToInt(Integer::intValue).toArray());
            assertThat(answer).as("seed %d", seed).matches(".*\\[\\d]$");
            // Split at markers: "S1 S2 [n] S3 [m]" - every sentence is a passage sentence, each used once, at most 3.
            List<String> copied = new ArrayList<>();
            Matcher m = Pattern.compile("(.*?) \\[(\\d)]").matcher(answer);
            int last = 0;
            while (m.find()) {
                String run = m.group(1).strip();
                int passage = Integer.parseInt(m.group(2));
                List<Sentences.Span> spans = Sentences.split(run);
                spans.forEach(s -> copied.add(s.of(run)));
                assertThat(spans).as("seed %d: %s", seed, answer).isNotEmpty();
                assertThat(PASSAGES.get(passage - 1).text()).as("seed %d: the marker names the last sentence's passage", seed)
                        .contains(spans.getLast().of(run));
                last = m.end();
            }
            assertThat(last).as("nothing after the last marker").isEqualTo(answer.length());
            assertThat(copied).as("seed %d: %s", seed, answer).isNotEmpty().hasSizeLessThanOrEqualTo(3).doesNotHaveDuplicates();
            assertThat(sentences).containsAll(copied);
        }
    }

    @Test
    void eachCopiedTokenPointsAtTheExactPassageCharactersItCopies() {
        GroundingIndex index = GroundingIndex.build(PASSAGES, tokenizer, GroundingRules.ANY_SENTENCES);
        List<Integer> markerTokens = new ArrayList<>();
        for (Passage p : PASSAGES) {
            for (int id : tokenizer.encode(" [" + p.number() + "]")) {
                markerTokens.add(id);
            }
        }
        int copiedTokens = 0;
        for (long seed = 0; seed < 100; seed++) {
            List<TokenSource> sources = new ArrayList<>();
            List<Integer> ids = walk(index.start(), seed, sources);
            for (int i = 0; i < ids.size(); i++) {
                String token = tokenizer.decode(new int[] {ids.get(i)});
                TokenSource s = sources.get(i);
                if (token.contains("\uFFFD")) {
                    continue;   // one byte of a multi-byte character: no whole character to compare
                }
                if (s == null) {
                    assertThat(markerTokens).as("only citation markers copy nothing: '%s'", token).contains(ids.get(i));
                    continue;
                }
                String copied = PASSAGES.get(s.passage() - 1).text().substring(s.start(), s.end());
                // A token copies its own characters; the space that opens a later sentence maps onto that sentence's start.
                assertThat(token).as("seed %d token %d", seed, i).endsWith(copied);
                assertThat(copied.strip()).isEqualTo(token.strip());
                copiedTokens++;
            }
        }
        assertThat(copiedTokens).isGreaterThan(1000);
    }

    @Test
    void theFirstTokenOpensASentenceAndEndingWaitsForACitation() {
        Constraint c = GroundingIndex.build(PASSAGES, tokenizer, GroundingRules.ANY_SENTENCES).start();
        BitSet first = c.allowed();
        assertThat(first.get(end)).as("an empty answer cannot end").isFalse();
        for (int id : first.stream().toArray()) {
            assertThat(tokenizer.decode(new int[] {id})).as("opening token").matches("[A-Z].*");
        }
        // Copy the first sentence whole: then only its marker or another sentence may follow, not the end.
        for (int id : tokenizer.encode("Temperature divides the logits before the softmax.")) {
            assertThat(c.allowed().get(id)).isTrue();
            c.accept(id);
        }
        assertThat(c.allowed().get(end)).isFalse();
        for (int id : tokenizer.encode(" [2]")) {
            assertThat(c.allowed().get(id)).as("the marker of passage 2").isTrue();
            assertThat(c.accept(id)).isNull();
        }
        assertThat(c.allowed().get(end)).as("cited: the answer may end").isTrue();
    }

    @Test
    void anExcerptContinuesWithTheNextSentenceOfItsPassageAndEndsOnlyAfterTheMinimum() {
        GroundingRules excerpt = new GroundingRules(2, 3, true);
        for (long seed = 0; seed < 200; seed++) {
            List<TokenSource> sources = new ArrayList<>();
            String answer = tokenizer.decode(walk(GroundingIndex.build(PASSAGES, tokenizer, excerpt).start(), seed, sources).stream()
                    .mapToInt(Integer::intValue).toArray());
            // Markers aside, the answer is one run of consecutive sentences of one passage: a substring of it.
            String text = answer.replaceAll(" \\[\\d]", "");
            assertThat(PASSAGES).as(answer).anySatisfy(p -> assertThat(p.text()).contains(text));
            boolean endsItsPassage = PASSAGES.stream().anyMatch(p -> p.text().endsWith(text));
            assertThat(Sentences.split(text)).as(answer).hasSizeBetween(endsItsPassage ? 1 : 2, 3);
        }
        // The last sentence of a passage has nothing after it: cited, that answer may end with one sentence.
        Constraint c = GroundingIndex.build(PASSAGES, tokenizer, excerpt).start();
        for (int id : tokenizer.encode("It adapts to how sure the model is. [1]")) {
            assertThat(c.allowed().get(id)).isTrue();
            c.accept(id);
        }
        assertThat(c.allowed().get(end)).isTrue();
    }

    @Test
    void aTokenBudgetEndsTheAnswerAfterTheLastSentenceThatFits() {
        GroundingRules threeOrFour = new GroundingRules(3, 4, true);
        int[] first = tokenizer.encode("Top-p sampling keeps the smallest set of tokens whose probability reaches p. [1]");
        int[] second = tokenizer.encode(" The rest are dropped before the draw. [1]");
        // room for the first sentence and its marker, and one token short of the second with its marker and the end
        int budget = first.length + second.length;
        Constraint tight = GroundingIndex.build(PASSAGES, tokenizer, threeOrFour).start(budget);
        Constraint free = GroundingIndex.build(PASSAGES, tokenizer, threeOrFour).start();
        for (int id : first) {
            assertThat(tight.allowed().get(id)).isTrue();
            tight.accept(id);
            free.accept(id);
        }
        assertThat(free.allowed().get(end)).as("no budget: the minimum of three sentences holds").isFalse();
        assertThat(free.allowed().get(second[0])).isTrue();
        assertThat(tight.allowed().get(end)).as("the next sentence would not fit: the answer may end").isTrue();
        assertThat(tight.allowed().stream().boxed().toList()).as("and nothing else may start")
                .allMatch(id -> id == end || id == tokenizer.id(SpecialToken.EOS));
        // one token more and the second sentence fits again
        Constraint roomy = GroundingIndex.build(PASSAGES, tokenizer, threeOrFour).start(budget + 1);
        for (int id : first) {
            roomy.accept(id);
        }
        assertThat(roomy.allowed().get(second[0])).isTrue();
        assertThat(roomy.allowed().get(end)).isFalse();
        // every random walk stays within its budget, end token included, once the shortest cited sentence fits
        int shortest = PASSAGES.stream().mapToInt(p -> Sentences.split(p.text()).stream()
                .mapToInt(sp -> tokenizer.encode(sp.of(p.text()) + " [" + p.number() + "]").length).min().orElseThrow()).min().orElseThrow();
        for (int b = shortest + 1; b <= 60; b += 3) {
            for (long seed = 0; seed < 50; seed++) {
                List<Integer> ids = walk(GroundingIndex.build(PASSAGES, tokenizer, threeOrFour).start(b), seed, new ArrayList<>());
                assertThat(ids.size() + 1).as("budget %d, seed %d", b, seed).isLessThanOrEqualTo(b);
            }
        }
    }

    @Test
    void theSentenceLimitLeavesOnlyTheCitationAndTheEnd() {
        Constraint c = GroundingIndex.build(PASSAGES, tokenizer, new GroundingRules(1, 1, false)).start();
        for (int id : tokenizer.encode("It adapts to how sure the model is.")) {
            c.accept(id);
        }
        BitSet next = c.allowed();
        assertThat(next.cardinality()).isEqualTo(1);
        for (int id : tokenizer.encode(" [1]")) {
            c.accept(id);
        }
        BitSet ends = new BitSet();
        ends.set(end);
        ends.set(tokenizer.id(SpecialToken.EOS));
        assertThat(c.allowed()).isEqualTo(ends);
    }

    @Test
    void passagesWithoutQuotableSentencesOfferNothing() {
        GroundingIndex index = GroundingIndex.build(List.of(new Passage(1, "| a | b |"), new Passage(2, "cut short …")), tokenizer, GroundingRules.ANY_SENTENCES);
        assertThat(index.sentenceCount()).isZero();
        assertThat(index.start().allowed().isEmpty()).isTrue();
    }
}
