package glassbox.rag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.search.uhighlight.DefaultPassageFormatter;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.join.BitSetProducer;
import org.apache.lucene.search.join.DiversifyingChildrenFloatKnnVectorQuery;
import org.apache.lucene.search.join.QueryBitSetProducer;
import org.apache.lucene.search.join.ScoreMode;
import org.apache.lucene.search.join.ToParentBlockJoinQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.highlight.SimpleHTMLEncoder;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.QueryBuilder;
import org.apache.lucene.analysis.synonym.SynonymMap;

/**
 * Hybrid search over the course's chunks: by words (BM25, each field with its own boost: titles
 * and headings count more than body text) and by meaning (the cosine of {@link SentenceEncoder}
 * vectors), the two fused by their scores ({@link #fuse}: mostly the cosine, plus a share of the
 * word score relative to the best one's). Words find exact terms ("RoPE", "top-p"), meaning
 * finds paraphrases ("how long is a vector" → the norm). Queries are plain text, never Lucene
 * syntax, so {@code AND (} or {@code title:*} are just words. Results are one hit per section.
 *
 * <p>A chunk has several meaning vectors: one of its whole text and one of each run of
 * {@link #WINDOW_SENTENCES} consecutive sentences, and it is as close to a question as the closest
 * of them ({@link #meaningTexts}). Each chunk is a Lucene block: its vectors as child documents,
 * then the chunk itself (the parent, marked by {@link #KIND_FIELD}), searched by meaning with
 * lucene-join's {@link DiversifyingChildrenFloatKnnVectorQuery} and the best child per parent.
 */
public final class CourseIndex implements AutoCloseable {
    /** Field boosts: a match in a lesson title or section heading says more than one in the text. */
    static final Map<String, Float> BOOSTS = Map.of("title", 2.5f, "heading", 2.0f, "terms", 1.5f, "summary", 1.0f, "text", 1.0f);
    /** Longer queries are cut: a 10 kB paste must not become thousands of clauses. */
    static final int MAX_QUERY_WORDS = 64;
    static final int SNIPPET_CHARS = 180;
    /** Unstemmed words of the whole chunk, searched fuzzily so that small typos still match. */
    static final String EXACT_FIELD = "exact";
    static final float FUZZY_BOOST = 0.3f;
    static final int FUZZY_MIN_LENGTH = 5;
    static final int MAX_FUZZY_WORDS = 16;
    /** The field holding each chunk's meaning vector. */
    static final String VECTOR_FIELD = "vector";
    /** Marks a chunk (a parent document) apart from its meaning vectors (its children). */
    static final String KIND_FIELD = "kind";
    static final String CHUNK_KIND = "chunk";
    /**
     * Sentences per meaning window. The encoder was trained on texts of at most 128 wordpieces; a
     * whole chunk is up to 220 words (about 300 wordpieces), so its one vector blurs what any part
     * of it says. Measured (hit@1, hit@3) on the 180 tutor dev questions, lab steps left out, and on
     * the 116 retrieval dev questions: the whole chunk only 0.844, 0.911 and 0.922, 0.983; with its
     * runs of four sentences 0.900, 0.950 and 0.922, 0.974. Outside the code base, one hit per
     * section: runs of two 0.883, 0.939 and 0.914, 0.974; of three 0.883, 0.950 and 0.931, 0.974;
     * windows of 60 words 0.867, 0.928 and 0.897, 0.974 ({@code rag-index/README.md}).
     */
    static final int WINDOW_SENTENCES = 4;
    /** Written with the index ({@link IndexStore}): an index with another layout is rebuilt. */
    public static final String LAYOUT = "chunk-and-" + WINDOW_SENTENCES + "-sentence-windows";
    /**
     * What a chunk's word score counts in its fused score, divided by the best word score of the
     * query; its cosine counts the rest ({@link #fuse}). Measured as hit@1 / hit@3 (lab steps left
     * out) on the 180 tutor dev questions, the 116 retrieval dev questions and 231 questions
     * written later, which no setting had been tuned on ({@code tutor-dev-questions-2.tsv}):
     * reciprocal rank fusion (k = 60, as before) 0.900 / 0.950, 0.922 / 0.983 and 0.835 / 0.939;
     * this fusion with 0.1 0.889 / 0.967, 0.914 / 0.983, 0.870 / 0.952; 0.2 0.906 / 0.972,
     * 0.931 / 0.991, 0.896 / 0.965; 0.3 0.911 / 0.972, 0.940 / 0.983, 0.883 / 0.935; 0.5 0.850 /
     * 0.939, 0.931 / 0.974, 0.797 / 0.883. Rank fusion weighing meaning 1.5 to 3 times did no
     * better than 0.866 / 0.952 on the later set. Ranks throw away how much closer the best chunk
     * is: a section that repeats the question's words ranks first by words however far it is in
     * meaning, and one rank apart in each list cancels out.
     */
    static final float WORD_WEIGHT = 0.2f;
    /** How deep each ranking is read before fusing. */
    static final int CANDIDATES = 50;
    private static final java.util.regex.Pattern SYMBOLS = java.util.regex.Pattern.compile("[^\\p{L}\\p{N}\\s'.-]");

    private static final Set<String> ENGLISH_WORDS = SentenceEncoder.wholeWords();

    private static final FieldType TEXT_WITH_OFFSETS = new FieldType(TextField.TYPE_STORED);

    static {
        TEXT_WITH_OFFSETS.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
        TEXT_WITH_OFFSETS.freeze();
    }

    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final Analyzer indexAnalyzer = CourseAnalyzers.index();
    private final QueryBuilder queryBuilder;
    private final UnifiedHighlighter highlighter;
    private final SentenceEncoder encoder = SentenceEncoder.shared();
    private final QuerySpelling spelling;
    private final BitSetProducer chunksFilter = new QueryBitSetProducer(chunkQuery());
    private final int chunkCount;

    private CourseIndex(DirectoryReader reader, SynonymMap synonyms) throws IOException {
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.chunkCount = searcher.count(chunkQuery());
        this.searcher.setSimilarity(new BM25Similarity());
        this.queryBuilder = new QueryBuilder(CourseAnalyzers.query(synonyms));
        // Offsets are stored in the postings, so snippets need no re-analysis of the text.
        this.highlighter = UnifiedHighlighter.builder(searcher, indexAnalyzer)
                .withFormatter(new DefaultPassageFormatter("<mark>", "</mark>", "… ", true))
                .withMaxLength(20_000)
                .build();
        this.spelling = new QuerySpelling(reader, EXACT_FIELD, ENGLISH_WORDS);
    }

    /** Writes the chunks and their meaning vectors into {@code dir}, replacing whatever index was there. */
    public static void build(List<Chunk> chunks, Directory dir) throws IOException {
        List<List<String>> texts = chunks.stream().map(CourseIndex::meaningTexts).toList();
        List<float[]> flat = SentenceEncoder.shared().encodeAll(texts.stream().flatMap(List::stream).toList());
        IndexWriterConfig cfg = new IndexWriterConfig(CourseAnalyzers.indexPerField())
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                .setSimilarity(new BM25Similarity());
        try (IndexWriter w = new IndexWriter(dir, cfg)) {
            int next = 0;
            for (int i = 0; i < chunks.size(); i++) {
                List<Document> block = new ArrayList<>();
                for (int v = 0; v < texts.get(i).size(); v++) {
                    Document vector = new Document();
                    vector.add(new KnnFloatVectorField(VECTOR_FIELD, flat.get(next++), VectorSimilarityFunction.DOT_PRODUCT));
                    block.add(vector);
                }
                block.add(chunkDocument(chunks.get(i)));
                w.addDocuments(block);   // a block: the children first, the parent last
            }
        }
    }

    private static Document chunkDocument(Chunk c) {
        Document d = new Document();
        d.add(new StringField(KIND_FIELD, CHUNK_KIND, Field.Store.NO));
        d.add(new StringField("slug", c.slug(), Field.Store.YES));
        d.add(new StoredField("anchor", c.anchor()));
        d.add(new IntField("position", c.position(), Field.Store.YES));
        d.add(new TextField("title", c.title(), Field.Store.YES));
        d.add(new TextField("summary", c.summary(), Field.Store.NO));
        d.add(new TextField("heading", c.section(), Field.Store.YES));
        d.add(new TextField("terms", c.terms(), Field.Store.NO));
        d.add(new Field("text", c.text(), TEXT_WITH_OFFSETS));
        d.add(new TextField(EXACT_FIELD, c.title() + "\n" + c.section() + "\n" + c.terms() + "\n" + c.text(), Field.Store.NO));
        return d;
    }

    private static Query chunkQuery() {
        return new TermQuery(new Term(KIND_FIELD, CHUNK_KIND));
    }

    /**
     * What the encoder reads of a chunk: where it is in the course, then its text; and, from each
     * of its sentences, the run of {@link #WINDOW_SENTENCES} consecutive sentences it opens (the
     * last runs are shorter, where the chunk ends).
     */
    static List<String> meaningTexts(Chunk c) {
        List<String> out = new ArrayList<>();
        out.add(c.title() + ". " + c.section() + ". " + c.text());
        List<String> sentences = sentences(c.text());
        for (int i = 0; i < sentences.size(); i++) {
            out.add(String.join(" ", sentences.subList(i, Math.min(sentences.size(), i + WINDOW_SENTENCES))));
        }
        return out;
    }

    /** The JDK's English sentence boundaries, blanks dropped. */
    static List<String> sentences(String text) {
        java.text.BreakIterator it = java.text.BreakIterator.getSentenceInstance(java.util.Locale.ENGLISH);
        it.setText(text);
        List<String> out = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != java.text.BreakIterator.DONE; start = end, end = it.next()) {
            String s = text.substring(start, end).strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    public static CourseIndex open(Directory dir, SynonymMap synonyms) throws IOException {
        return new CourseIndex(DirectoryReader.open(dir), synonyms);
    }

    public int chunkCount() {
        return chunkCount;
    }

    /**
     * How many chunks' text has {@code word} (as the text is searched: lower case, Porter stem), 0
     * when it is not one word there ("all-reduce" is two). A word in one or two chunks names
     * something few sections explain ("rlaif", "bf16").
     */
    public int chunksMentioning(String word) {
        try (org.apache.lucene.analysis.TokenStream ts = indexAnalyzer.tokenStream("text", word)) {
            var term = ts.addAttribute(org.apache.lucene.analysis.tokenattributes.CharTermAttribute.class);
            ts.reset();
            String only = ts.incrementToken() ? term.toString() : null;
            boolean more = only != null && ts.incrementToken();
            ts.end();
            return only == null || more ? 0 : reader.docFreq(new org.apache.lucene.index.Term("text", only));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The query as it is searched: misspelt words put right ({@link QuerySpelling}); the same text when none is. */
    public String corrected(String queryText) {
        return spelling.correct(queryText);
    }

    /** Up to {@code k} hits, best first, at most one per section; empty for a blank or stop-word-only query. */
    public List<SearchHit> search(String queryText, int k) {
        return search(queryText, k, false);
    }

    /**
     * Like {@link #search(String, int)}; with {@code byField}, each hit also says what each field's
     * words added to its BM25 word score ({@link SearchHit#fields()}, see {@link #FIELD_ORDER}).
     */
    public List<SearchHit> search(String queryText, int k, boolean byField) {
        if (k < 1 || queryText == null) {
            return List.of();
        }
        queryText = spelling.correct(queryText);
        String text = searchableWords(queryText);
        List<Clause> clauses = text == null ? List.of() : clauses(text);
        if (clauses.isEmpty()) {
            return List.of();
        }
        Query query = disjunction(clauses);
        try {
            int depth = Math.max(CANDIDATES, k * 5);
            TopDocs byWords = searcher.search(query, depth);
            float[] meaning = encoder.encode(meaningOfQuery(queryText));
            // Every chunk is scored by meaning (the course has a few hundred), so each hit has its similarity:
            // the best of its vectors (children), handed to the chunk (parent).
            Query closest = new ToParentBlockJoinQuery(new DiversifyingChildrenFloatKnnVectorQuery(VECTOR_FIELD, meaning, null,
                    chunkCount, chunksFilter), chunksFilter, ScoreMode.Max);
            TopDocs byMeaning = searcher.search(closest, chunkCount);
            Map<Integer, Float> wordScores = new HashMap<>();
            for (ScoreDoc sd : byWords.scoreDocs) {
                wordScores.put(sd.doc, sd.score);
            }
            Map<Integer, Float> similarities = new HashMap<>();
            for (ScoreDoc sd : byMeaning.scoreDocs) {
                similarities.put(sd.doc, 2 * sd.score - 1);   // Lucene scores a dot product d as (1 + d) / 2
            }
            float bestWords = byWords.scoreDocs.length == 0 ? 1 : byWords.scoreDocs[0].score;
            TopDocs fused = fuse(depth, similarities, wordScores, bestWords);
            List<ScoreDoc> kept = new ArrayList<>();
            List<Document> keptDocs = new ArrayList<>();
            Set<String> sections = new HashSet<>();
            var stored = searcher.storedFields();
            for (ScoreDoc sd : fused.scoreDocs) {
                Document d = stored.document(sd.doc);
                if (sections.add(d.get("slug") + "#" + d.get("anchor"))) {
                    kept.add(sd);
                    keptDocs.add(d);
                    if (kept.size() == k) {
                        break;
                    }
                }
            }
            String[] snippets = highlighter.highlightFields(new String[] {"text"}, snippetQuery(clauses, query),
                    kept.stream().mapToInt(sd -> sd.doc).toArray(), new int[] {1}).get("text");
            List<SearchHit> hits = new ArrayList<>();
            for (int i = 0; i < kept.size(); i++) {
                Document d = keptDocs.get(i);
                String snippet = snippets[i] != null ? snippets[i].strip() : opening(d.get("text"));
                int doc = kept.get(i).doc;
                hits.add(new SearchHit(d.get("slug"), d.get("title"), d.get("heading"), d.get("anchor"), kept.get(i).score,
                        wordScores.getOrDefault(doc, 0f), similarities.getOrDefault(doc, 0f), snippet, d.get("text"),
                        byField ? fieldScores(clauses, doc) : Map.of()));
            }
            return hits;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Each chunk's fused score: (1 − {@link #WORD_WEIGHT}) × its cosine plus {@link #WORD_WEIGHT} ×
     * its BM25 word score divided by the query's best (0 when no query word occurs in it, or when it
     * is not among the first {@link #CANDIDATES} by words), best first, {@code depth} at most. Every
     * chunk has a cosine, since every chunk is scored by meaning.
     */
    static TopDocs fuse(int depth, Map<Integer, Float> similarities, Map<Integer, Float> wordScores, float bestWords) {
        ScoreDoc[] ranked = similarities.entrySet().stream()
                .map(e -> new ScoreDoc(e.getKey(),
                        (1 - WORD_WEIGHT) * e.getValue() + WORD_WEIGHT * wordScores.getOrDefault(e.getKey(), 0f) / bestWords))
                .sorted((a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.doc, b.doc))
                .limit(depth)
                .toArray(ScoreDoc[]::new);
        return new TopDocs(new TotalHits(ranked.length, TotalHits.Relation.EQUAL_TO), ranked);
    }

    /**
     * The query the snippets are marked with: only its clause on the text field, the one field a
     * snippet shows. The highlighter marks only that field's terms anyway; handed the whole query
     * (five fields, fuzzy clauses) it gave the same snippets for every dev question for about twice
     * the CPU time ({@code README.md}, "Speed").
     */
    private static Query snippetQuery(List<Clause> clauses, Query whole) {
        return clauses.stream().filter(c -> c.field().equals("text")).findFirst().map(Clause::query).orElse(whole);
    }

    /** What the encoder reads of a query: its text as typed ("king - man + woman" keeps its signs), cut to {@link #MAX_QUERY_WORDS} words. */
    private static String meaningOfQuery(String queryText) {
        String[] words = queryText.strip().split("\\s+");
        return words.length <= MAX_QUERY_WORDS ? queryText.strip() : String.join(" ", Arrays.copyOf(words, MAX_QUERY_WORDS));
    }

    /** The query's words, without query-syntax characters and cut to {@link #MAX_QUERY_WORDS}; null when none are left. */
    static String searchableWords(String queryText) {
        // Query syntax characters (':' '*' '(' '"' ...) are not search terms: "title:attention" means two words.
        String[] words = SYMBOLS.matcher(queryText).replaceAll(" ").strip().split("\\s+");
        Set<String> kept = new LinkedHashSet<>();
        for (String w : words) {
            if (kept.size() == MAX_QUERY_WORDS) {
                break;
            }
            if (!w.isEmpty()) {
                kept.add(w);
            }
        }
        return kept.isEmpty() ? null : String.join(" ", kept);
    }

    /** Searchable words to a boosted disjunction over the fields; null when nothing searchable is left (only stop words). */
    Query toQuery(String text) {
        List<Clause> clauses = clauses(text);
        return clauses.isEmpty() ? null : disjunction(clauses);
    }

    /** The order {@link SearchHit#fields()} lists the fields in; {@code typo} is the fuzzy match of unknown words. */
    public static final List<String> FIELD_ORDER = List.of("title", "heading", "terms", "summary", "text", "typo");

    /** One SHOULD clause of the word query and the field it searches ({@code typo} for a fuzzy clause). */
    record Clause(String field, Query query) {
    }

    /** The word query's clauses: the words in each boosted field, then one fuzzy clause per unknown long word. */
    private List<Clause> clauses(String text) {
        List<Clause> out = new ArrayList<>();
        for (String field : FIELD_ORDER.subList(0, FIELD_ORDER.size() - 1)) {
            Query q = queryBuilder.createBooleanQuery(field, text, BooleanClause.Occur.SHOULD);
            if (q != null) {
                out.add(new Clause(field, new BoostQuery(q, BOOSTS.get(field))));
            }
        }
        for (String w : Arrays.stream(text.split(" ")).limit(MAX_FUZZY_WORDS).toList()) {
            String word = w.toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
            if (word.length() >= FUZZY_MIN_LENGTH && !knownWord(word)) {
                // One edit, first letter fixed: "atention" finds "attention", "tokenizaton" "tokenization". Two edits
                // found no more answers on the dev set and cost four times the latency.
                out.add(new Clause("typo", new BoostQuery(new org.apache.lucene.search.FuzzyQuery(
                        new org.apache.lucene.index.Term(EXACT_FIELD, word), 1, 1), FUZZY_BOOST)));
            }
        }
        return out;
    }

    private static Query disjunction(List<Clause> clauses) {
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        for (Clause c : clauses) {
            all.add(c.query(), BooleanClause.Occur.SHOULD);
        }
        return all.build();
    }

    /**
     * What each field added to a chunk's word score: the word query sums its SHOULD clauses, so each
     * clause's own score for the chunk (Lucene's explain, the same BM25 statistics) is its field's
     * share, and the shares add up to the word score. Every field of {@link #FIELD_ORDER} is listed, 0 when it did not match.
     */
    private Map<String, Float> fieldScores(List<Clause> clauses, int doc) throws IOException {
        Map<String, Float> out = new java.util.LinkedHashMap<>();
        for (String field : FIELD_ORDER) {
            out.put(field, 0f);
        }
        for (Clause c : clauses) {
            org.apache.lucene.search.Explanation e = searcher.explain(c.query(), doc);
            if (e.isMatch()) {
                out.merge(c.field(), e.getValue().floatValue(), Float::sum);
            }
        }
        return out;
    }

    /** A word the course contains as typed needs no typo expansion (expanding it costs most of a query's time). */
    private boolean knownWord(String word) {
        try {
            return reader.docFreq(new org.apache.lucene.index.Term(EXACT_FIELD, word)) > 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String opening(String text) {
        String opening = text.length() <= SNIPPET_CHARS ? text : text.substring(0, SNIPPET_CHARS) + "…";
        return new SimpleHTMLEncoder().encodeText(opening);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
