package glassbox.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import glassbox.rag.course.Course;

/** Search over the real course: ranking basics, snippets, one hit per section, hostile queries. */
class CourseIndexTest {
    static CourseIndex index;
    static Course course;
    static ByteBuffersDirectory dir;

    @BeforeAll
    static void build() throws Exception {
        course = Course.load(Path.of(System.getProperty("glassbox.course.dir", "../course")),
                Path.of(System.getProperty("glassbox.model.dir", "../models/course-tiny")));
        dir = new ByteBuffersDirectory();
        CourseIndex.build(Chunker.chunks(course), dir);
        index = CourseIndex.open(dir, CourseAnalyzers.bundledSynonyms());
    }

    @AfterAll
    static void close() throws Exception {
        index.close();
    }

    @Test
    void everyTeachingSectionIsIndexed() {
        int sections = (int) course.lessons().stream().flatMap(l -> l.sections().stream()).filter(s -> !s.isBackMatter()).count();
        assertThat(index.chunkCount()).isGreaterThanOrEqualTo(sections);
    }

    @Test
    void chunksMentioningCountsTheChunksWhoseTextHasTheWord() {
        long withRlaif = Chunker.chunks(course).stream().filter(c -> c.text().toLowerCase().contains("rlaif")).count();
        assertThat(withRlaif).isPositive();
        assertThat(index.chunksMentioning("RLAIF")).isEqualTo((int) withRlaif);
        // counted by stem, as the text is searched: "samples" and "sampling" are one word there
        assertThat(index.chunksMentioning("samples")).isEqualTo(index.chunksMentioning("sampling")).isGreaterThan(10);
        assertThat(index.chunksMentioning("kubernetes")).isZero();
        assertThat(index.chunksMentioning("all-reduce")).as("two words").isZero();
    }

    @Test
    void aLessonsOwnTitleFindsIt() {
        for (var lesson : course.lessons()) {
            List<SearchHit> hits = index.search(lesson.title(), 3);
            assertThat(hits).as(lesson.title()).extracting(SearchHit::slug).contains(lesson.slug());
        }
    }

    @Test
    void snippetsMarkMatchesAndEscapeHtml() {
        List<SearchHit> hits = index.search("attention heads", 5);
        assertThat(hits).isNotEmpty();
        assertThat(hits.get(0).snippet()).contains("<mark>");
        for (SearchHit h : hits) {
            String withoutMarks = h.snippet().replace("<mark>", "").replace("</mark>", "");
            assertThat(withoutMarks).doesNotContain("<").doesNotContain(">");
        }
    }

    @Test
    void oneHitPerSectionSortedByScore() {
        List<SearchHit> hits = index.search("the model predicts the next token with a softmax over the vocabulary", 10);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < hits.size(); i++) {
            assertThat(seen.add(hits.get(i).slug() + "#" + hits.get(i).anchor())).isTrue();
            if (i > 0) {
                assertThat(hits.get(i).score()).isLessThanOrEqualTo(hits.get(i - 1).score());
            }
        }
        assertThat(hits).hasSize(10);
    }

    @Test
    void aHitScoresMostlyItsCosineAndPartlyItsWordScoreRelativeToTheBest() {
        List<SearchHit> hits = index.search("what does the softmax temperature do", 500);
        float bestWords = (float) hits.stream().mapToDouble(SearchHit::wordScore).max().orElseThrow();
        assertThat(bestWords).isPositive();
        for (SearchHit h : hits) {
            float expected = (1 - CourseIndex.WORD_WEIGHT) * h.similarity() + CourseIndex.WORD_WEIGHT * h.wordScore() / bestWords;
            assertThat(h.score()).as(h.slug() + "#" + h.anchor()).isCloseTo(expected, within(1e-5f));
        }
        // not a rank fusion: the gap between two hits follows their scores, not their ranks
        assertThat(hits.get(0).score() - hits.get(1).score()).isNotCloseTo(hits.get(1).score() - hits.get(2).score(), within(1e-6f));
    }

    @Test
    void synonymsFindTheLongForm() {
        // "backprop" and "backpropagation" stem differently: only the synonym map connects them.
        assertThat(index.search("backprop", 3)).extracting(SearchHit::slug).contains("04-training-and-backpropagation");
        assertThat(index.search("nucleus", 3)).extracting(SearchHit::slug).contains("19-decoding-strategies");
    }

    @Test
    void meaningFindsAParaphraseThatSharesNoKeyWord() {
        // The question says "long"; the answer says "length" and "norm" (different stems). Only meaning connects them.
        SearchHit best = index.search("how long is a vector", 1).getFirst();
        assertThat(best.slug()).isEqualTo("00-vectors-and-tensors");
        assertThat(best.similarity()).isGreaterThan(0.4f);
    }

    @Test
    void aChunkIsReadWholeAndAsEachRunOfFourSentences() {
        Chunk c = new Chunk("s", "Title", "", "Heading", "a", 0, "", "One is here. Two is here. Three is here. Four is here. Five is here.");
        assertThat(CourseIndex.meaningTexts(c)).containsExactly(
                "Title. Heading. One is here. Two is here. Three is here. Four is here. Five is here.",
                "One is here. Two is here. Three is here. Four is here.",
                "Two is here. Three is here. Four is here. Five is here.",
                "Three is here. Four is here. Five is here.",
                "Four is here. Five is here.",
                "Five is here.");
    }

    @Test
    void aChunkIsAsCloseInMeaningAsItsClosestText() {
        String question = "why are the scores divided before the softmax";
        SearchHit best = index.search(question, 1).getFirst();
        Chunk chunk = Chunker.chunks(course).stream()
                .filter(c -> c.slug().equals(best.slug()) && c.anchor().equals(best.anchor()) && c.text().equals(best.text()))
                .findFirst().orElseThrow();
        float[] q = SentenceEncoder.shared().encode(question);
        List<Double> cosines = CourseIndex.meaningTexts(chunk).stream().map(t -> dot(q, SentenceEncoder.shared().encode(t))).toList();
        double closest = cosines.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertThat((double) best.similarity()).isCloseTo(closest, within(2e-3));
        // The point of the windows: one of them is closer than the chunk read whole.
        assertThat(closest).isGreaterThan(cosines.getFirst() + 0.02);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void eachHitCarriesItsWordScoreAndSimilarity() {
        List<SearchHit> hits = index.search("what does the temperature do when sampling", 5);
        assertThat(hits.getFirst().wordScore()).isGreaterThan(0);
        for (SearchHit h : hits) {
            assertThat(h.similarity()).isBetween(-1f, 1f);
        }
        // Unrelated text is far in meaning from every chunk.
        assertThat(index.search("my printer won't connect to wifi", 3)).allSatisfy(h -> assertThat(h.similarity()).isLessThan(0.3f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t\n", "AND (", "title:*", "\"unbalanced", "*:*", "a AND OR NOT", "((((", "\\", "~~~^2",
            "注意力机制是什么", "внимание трансформер", "🙂🙂", "the of and"})
    void oddQueriesNeverThrow(String q) {
        List<SearchHit> hits = index.search(q, 3);
        assertThat(hits.size()).isLessThanOrEqualTo(3);
    }

    @Test
    void aHugeQueryIsCutNotRejected() {
        String huge = "attention softmax tokens embedding gradient ".repeat(250); // about 11 kB
        assertThat(huge.length()).isGreaterThan(10_000);
        assertThat(index.search(huge, 3)).isNotEmpty();
        StringBuilder distinct = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            distinct.append("word").append(i).append(' ');
        }
        assertThat(index.search(distinct.toString(), 3)).hasSizeLessThanOrEqualTo(3);
        // misspelt-looking words: only the first few are looked up, a letter blob not at all
        String typos = "atention transfomer ".repeat(500) + "x".repeat(20_000);
        assertThat(index.corrected(typos)).startsWith("attention transformer attention");
        assertThat(index.corrected(typos)).endsWith("atention transfomer " + "x".repeat(20_000));
        assertThat(index.search(typos, 3)).hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void luceneSyntaxIsTreatedAsWords() {
        assertThat(index.search("title:attention", 3)).extracting(SearchHit::slug).contains("08-the-attention-mechanism");
    }

    @Test
    void fieldContributionsAddUpToTheWordScore() {
        List<SearchHit> plain = index.search("how does multi-head attention split the heads", 8);
        List<SearchHit> hits = index.search("how does multi-head attention split the heads", 8, true);
        assertThat(hits).extracting(SearchHit::anchor).containsExactlyElementsOf(plain.stream().map(SearchHit::anchor).toList());
        assertThat(plain.getFirst().fields()).isEmpty();
        boolean someTitle = false, someText = false;
        for (SearchHit h : hits) {
            assertThat(h.fields().keySet()).containsExactlyElementsOf(CourseIndex.FIELD_ORDER);
            double sum = h.fields().values().stream().mapToDouble(Float::doubleValue).sum();
            // the ranking's own BM25 score (TopDocs of the whole query) against the per-clause explains
            assertThat(sum).as(h.slug() + "#" + h.anchor()).isCloseTo(h.wordScore(), within(1e-3 * Math.max(1, h.wordScore())));
            someTitle |= h.fields().get("title") > 0;
            someText |= h.fields().get("text") > 0;
            assertThat(h.fields().get("typo")).isZero();
        }
        assertThat(someTitle).isTrue();
        assertThat(someText).isTrue();
    }

    @Test
    void aTitleContributionIsThatFieldsBoostedBm25() throws Exception {
        // a second path: the title field alone, searched (not explained) by a searcher of our own
        SearchHit top = index.search("attention", 10, true).stream()
                .filter(h -> h.title().toLowerCase(java.util.Locale.ROOT).contains("attention")).findFirst().orElseThrow();
        var searcher = new org.apache.lucene.search.IndexSearcher(org.apache.lucene.index.DirectoryReader.open(dir));
        searcher.setSimilarity(new org.apache.lucene.search.similarities.BM25Similarity());
        var docs = searcher.search(new org.apache.lucene.search.BoostQuery(
                new org.apache.lucene.search.TermQuery(new org.apache.lucene.index.Term("title", "attent")), 2.5f), 100);
        var stored = searcher.storedFields();
        Float expected = null;
        for (var sd : docs.scoreDocs) {
            var d = stored.document(sd.doc);
            if (d.get("slug").equals(top.slug()) && d.get("heading").equals(top.section())) {
                expected = sd.score;
            }
        }
        assertThat(expected).as("the best hit for 'attention' with it in its title").isNotNull();
        assertThat(top.fields().get("title")).isCloseTo(expected, within(1e-4f));
        assertThat(top.fields().get("text")).isGreaterThan(0f);
    }

    @Test
    void aMisspeltWordIsSearchedAsItsCorrection() {
        // the course never writes "tokenizaton": it is searched as "tokenization", in every field
        assertThat(index.corrected("tokenizaton")).isEqualTo("tokenization");
        SearchHit top = index.search("tokenizaton", 1, true).getFirst();
        assertThat(top.slug()).isEqualTo("06-tokenization");
        assertThat(top.fields().get("title")).isGreaterThan(0f);
        assertThat(top.fields().get("typo")).isZero();
        assertThat(index.search("wat is atention in a transfomer", 3)).extracting(SearchHit::slug).contains("08-the-attention-mechanism");
    }

    @Test
    void onlyWordsThatAreNeitherCourseNorEnglishWordsAreCorrected() {
        assertThat(index.corrected("wat is atention in a transfomer?")).isEqualTo("wat is attention in a transformer?");
        assertThat(index.corrected("perplexty, what does it mean")).isEqualTo("perplexity, what does it mean");
        // common English words the course never uses stay as typed, as do words more than one edit from any course word
        assertThat(index.corrected("my printer won't connect to wifi")).isEqualTo("my printer won't connect to wifi");
        assertThat(index.corrected("chatbot warmup")).isEqualTo("chatbot warmup");
    }
}
