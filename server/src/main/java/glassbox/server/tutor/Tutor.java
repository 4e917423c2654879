package glassbox.server.tutor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import glassbox.model.infer.constraint.GroundingIndex;
import glassbox.model.infer.constraint.GroundingRules;
import glassbox.model.infer.constraint.Passage;
import glassbox.model.text.Sentences;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.rag.CourseIndex;
import glassbox.rag.SearchHit;
import glassbox.rag.SentenceEncoder;
import glassbox.rag.course.Lesson;

/**
 * Retrieval-augmented prompts: search the course for the latest question (plus the previous
 * one, so "and why?" still finds its topic), put the best sections into a {@code context}
 * message, and fit everything into the model's context window by dropping old turns and
 * shortening passages. The tiny model's context is small, so passages are trimmed to words.
 */
public final class Tutor {
    /**
     * When the course answers a question: its best hit is close in meaning ({@link #MIN_SIMILARITY}),
     * or matches its words well (BM25 ≥ {@link #MIN_WORD_SCORE}) and is not far in meaning. Measured
     * on the 180 tutor dev questions and 25 off-topic ones: course questions reach similarity
     * 0.23–0.75, off-topic ones at most 0.38; words alone let "my printer won't connect to wifi"
     * (BM25 10.9, similarity 0.18) through. Since a chunk is as close as its closest four-sentence
     * run (see {@code CourseIndex}), similarities are higher: the best hit of a question of the two
     * dev sets (296) reaches 0.25 at least, of 35 off-topic questions 0.33 at most (none with a
     * strong word match above 0.16); the same thresholds let 295 of the 296 through (287 before)
     * and none of the off-topic ones.
     */
    public static final float MIN_SIMILARITY = 0.40f;
    public static final float MIN_WORD_SCORE = 6.0f;
    public static final float MIN_SIMILARITY_WITH_WORDS = 0.20f;
    /**
     * A question word no common English word matches (the sentence encoder's vocabulary) and whose
     * stem is in the text of at most this many chunks names something only the course explains
     * ("bf16", "rlaif", "flashattention"). Asked alone such a term is neither close in meaning (the
     * encoder does not know it) nor strong in words (one rare word scores BM25 about 4.5), so the
     * gate also passes a hit that has it, and when nothing else passes, the passages are the hits
     * that have it. Measured on the second dev set (grounded, temperature 0): refusals 8 → 5 of
     * 231 ("what is bf16", "what is rlaif", "what is flashattention" answered), cite@3 0.935 →
     * 0.948, key terms 0.727 → 0.740, course 4-grams 0.952 → 0.965; the first set unchanged; of 45
     * off-topic questions ({@code tutor-off-topic-questions.txt}) none has such a term. Putting
     * the hits with the term first for every question lost two first-set answers ("rmsnorm vs
     * layernorm"); a limit of 4 chunks would add "initialization".
     */
    public static final int MAX_TERM_CHUNKS = 3;
    private static final int MAX_TERM_WORDS = 64;
    /** A further hit is used too when it is nearly as close in meaning, or nearly as strong in words, as the best. */
    public static final float RELATIVE_SIMILARITY = 0.8f;
    public static final float RELATIVE_WORD_SCORE = 0.6f;
    /**
     * Up to three passages: the best hit at full length, the others at {@link #LATER_PASSAGE_SHARE}
     * of it. Measured on the 180 dev questions (grounded, temperature 0): two passages of equal
     * length gave key term 0.606 and cite@3 0.889; three, the later ones half as long, 0.656 and
     * 0.906. A key term was somewhere in the prompt's passages for 0.761 of the questions with two, 0.794 with
     * three; three of equal length (about 40 words each) gave 0.744-0.772, and four 0.772-0.783
     * with a shorter first passage.
     */
    public static final int MAX_PASSAGES = 3;
    /**
     * At most two passages from one lesson, so the third may come from another: with rank-fused
     * retrieval, "what kind of text are big llms trained on" found three sections of lesson 25
     * (what models cannot know) and so also cited lesson 13 (pre-training data), which answers it.
     * Measured on the 180 dev questions with four-sentence runs in retrieval (rank-fused): cite@3
     * 0.944 with up to three per lesson, 0.950 with two, 0.961 with one (offline; with one, the
     * key-term rate fell before).
     */
    static final int MAX_PER_LESSON = 2;
    static final double LATER_PASSAGE_SHARE = 0.5;
    /**
     * How a grounded answer is put together: one excerpt of four consecutive passage sentences
     * (fewer only where its passage ends, or where max_tokens leaves no room), opened where that
     * excerpt best answers the question (see {@link SentenceRanker}). With the 1,024-token model
     * and its longer passages: three or four sentences 0.689 key terms (89 tokens), four 0.733
     * (106 tokens, clean stops 1.000). Earlier, with the 512-token model, on the 180 dev questions, grounded,
     * temperature 0, with today's three passages: an excerpt of two to four named a key term in
     * 0.644 of answers (56 tokens on average), three to four in 0.661–0.667 (69 tokens, longest 148,
     * none cut by the default max_tokens of 160). Earlier, before the course's exercises and
     * revisions were merged and with two passages: one to three sentences in any order 0.51, with 0.98 of
     * their word 4-grams in the course; two to four in any order 0.62 but 0.93 (every jump between
     * sentences writes word sequences the course never wrote); an excerpt of two to four 0.58 and
     * 0.97; of three to four 0.61 and 0.97, then 84 tokens long and 2% cut by max_tokens.
     */
    public static final GroundingRules ANSWER_RULES = new GroundingRules(4, 4, true);
    public static final int SEARCH_DEPTH = 8;

    /** Words of the best passage, longest first until the prompt fits. */
    static final int[] PASSAGE_WORDS = {220, 180, 140, 100, 80, 60, 30};

    private final CourseIndex index;
    private final PromptTemplates templates;
    private final BpeTokenizer tokenizer;
    private final SentenceRanker ranker;

    public Tutor(CourseIndex index, PromptTemplates templates, BpeTokenizer tokenizer) {
        this.index = index;
        this.templates = templates;
        this.tokenizer = tokenizer;
        this.ranker = new SentenceRanker(SentenceEncoder.shared());
    }

    /** Scores passage sentences against a question (which to put in the prompt, where an answer may open). */
    public SentenceRanker ranker() {
        return ranker;
    }

    public PromptTemplates templates() {
        return templates;
    }

    public BpeTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * Builds the prompt. Every user turn gets its own context message, retrieved the same way each
     * time (search is deterministic), so a follow-up's prompt starts with the previous prompt plus
     * the previous answer and the engine's KV session only prefills the new turn.
     *
     * @param conversation the client's messages (system messages are replaced by the tutor's own)
     * @param tokenBudget  tokens the prompt may use (context minus the answer's max tokens)
     */
    public TutorPrompt prepare(List<ChatFormat.Message> conversation, int tokenBudget) {
        List<ChatFormat.Message> turns = conversation.stream().filter(m -> !m.role().equals("system")).toList();
        List<Integer> userAt = new ArrayList<>();
        for (int i = 0; i < turns.size(); i++) {
            if (turns.get(i).role().equals("user")) {
                userAt.add(i);
            }
        }
        if (userAt.isEmpty()) {
            return new TutorPrompt(List.of(), List.of(), templates.noContext());
        }
        List<List<SearchHit>> hitsPerTurn = new ArrayList<>();
        // Each question as searched (misspellings put right), corrected once: it is also what the passage sentences are ranked against.
        List<String> askedPerTurn = new ArrayList<>();
        for (int u = 0; u < userAt.size(); u++) {
            hitsPerTurn.add(retrieve(turns, userAt, u));
            askedPerTurn.add(index.corrected(turns.get(userAt.get(u)).content()));
        }
        List<SearchHit> latest = hitsPerTurn.getLast();
        if (latest.isEmpty()) {
            return new TutorPrompt(List.of(), List.of(), templates.noContext());
        }
        // Richest prompt first: all turns, full passages; then drop the oldest turns; then shorten passages.
        for (int words : PASSAGE_WORDS) {
            for (int first = 0; first < userAt.size(); first++) {
                TutorPrompt p = build(turns, userAt, hitsPerTurn, askedPerTurn, first, words);
                if (ChatFormat.encode(tokenizer, p.messages(), true).length <= tokenBudget) {
                    return p;
                }
            }
        }
        return build(turns, userAt, hitsPerTurn, askedPerTurn, userAt.size() - 1, PASSAGE_WORDS[PASSAGE_WORDS.length - 1]);
    }

    /**
     * The grounding automaton over the cited passages, or null when they hold no sentence to copy
     * (then the answer is free). The answer may open only at the sentences that best answer the
     * question ({@link SentenceRanker#opening}); the model chooses among them and everything after.
     */
    public GroundingIndex grounding(List<Citation> citations, String question) {
        List<Passage> passages = citations.stream().map(c -> new Passage(c.number(), c.passage())).toList();
        List<SentenceRanker.Quotable> sentences = new ArrayList<>();
        for (int rank = 0; rank < passages.size(); rank++) {
            String text = passages.get(rank).text();
            for (Sentences.Span span : Sentences.split(text)) {
                sentences.add(new SentenceRanker.Quotable(span.of(text), rank, citations.get(rank).section()));
            }
        }
        GroundingIndex automaton = GroundingIndex.build(passages, tokenizer, ANSWER_RULES,
                ranker.opening(index.corrected(question), sentences));
        return automaton.sentenceCount() == 0 ? null : automaton;
    }

    /**
     * One question's retrieval step by step, as the lab's agent trace shows it: the search's
     * {@link #SEARCH_DEPTH} hits (lab steps included, which the tutor skips) and the passages the
     * gate keeps ({@link #relevant}); {@code used} is empty when the course does not answer it.
     */
    public record Retrieval(List<SearchHit> hits, List<SearchHit> used, Set<String> courseTerms) {
    }

    public Retrieval retrieval(String question) {
        List<SearchHit> hits = index.search(question, SEARCH_DEPTH);
        Set<String> terms = courseTerms(question);
        return new Retrieval(hits, relevant(explaining(hits), terms), terms);
    }

    /** The question's words that name something only a few chunks explain ({@link #MAX_TERM_CHUNKS}), lower case. */
    public Set<String> courseTerms(String question) {
        Set<String> out = new java.util.TreeSet<>();
        String[] words = index.corrected(question).toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
        // Like the search, which reads a pasted page's first 64 words: each word looked up costs an index lookup.
        for (String w : Arrays.copyOf(words, Math.min(words.length, MAX_TERM_WORDS))) {
            if (w.length() >= 3 && w.chars().anyMatch(Character::isLetter) && !ENGLISH_WORDS.contains(w)) {
                int chunks = index.chunksMentioning(w);
                if (chunks >= 1 && chunks <= MAX_TERM_CHUNKS) {
                    out.add(w);
                }
            }
        }
        return out;
    }

    /** A hit the tutor never answers from: the lab steps at a lesson's end. */
    public static boolean isLabSteps(SearchHit h) {
        return h.section().strip().equalsIgnoreCase(Lesson.TRY_IT);
    }

    /** Hits for user turn u: its own words first; if they find nothing, with the turn before (for "and why?"). */
    private List<SearchHit> retrieve(List<ChatFormat.Message> turns, List<Integer> userAt, int u) {
        String question = turns.get(userAt.get(u)).content();
        List<SearchHit> hits = retrieval(question).used();
        if (hits.isEmpty() && u > 0) {
            hits = retrieval(question + " " + turns.get(userAt.get(u - 1)).content()).used();
        }
        return hits;
    }

    private TutorPrompt build(List<ChatFormat.Message> turns, List<Integer> userAt, List<List<SearchHit>> hitsPerTurn,
                              List<String> askedPerTurn, int firstUser, int words) {
        List<ChatFormat.Message> messages = new ArrayList<>();
        messages.add(new ChatFormat.Message("system", templates.system()));
        List<Citation> citations = List.of();
        for (int u = firstUser; u < userAt.size(); u++) {
            List<SearchHit> hits = hitsPerTurn.get(u);
            if (!hits.isEmpty()) {
                List<String> passages = new ArrayList<>();
                List<Citation> cites = new ArrayList<>();
                for (int i = 0; i < hits.size(); i++) {
                    SearchHit h = hits.get(i);
                    int passageWords = i == 0 ? words : (int) Math.round(words * LATER_PASSAGE_SHARE);
                    String text = PassagePacker.pack(h.text(), askedPerTurn.get(u), passageWords, ranker);
                    passages.add("[" + (i + 1) + "] " + h.title() + " — " + h.section() + "\n" + text);
                    cites.add(new Citation(i + 1, h.slug(), h.title(), h.section(), h.anchor(), h.snippet(), text));
                }
                messages.add(new ChatFormat.Message("context", templates.fillRag(String.join("\n\n", passages))));
                citations = cites;
            }
            int end = u + 1 < userAt.size() ? userAt.get(u + 1) : turns.size();
            messages.addAll(turns.subList(userAt.get(u), end));
        }
        return new TutorPrompt(messages, citations, null);
    }

    /**
     * Hits without the lab steps at a lesson's end ("Ask the tutor at / …"): search shows them, the
     * tutor does not answer from them (exercises and reading lists are not indexed at all).
     */
    private static List<SearchHit> explaining(List<SearchHit> hits) {
        return hits.stream().filter(h -> !isLabSteps(h)).toList();
    }

    private static List<SearchHit> relevant(List<SearchHit> hits, Set<String> courseTerms) {
        if (hits.stream().noneMatch(h -> answers(h, Set.of()))) {
            // Only a term of the question that few sections explain shows the course answers it: answer from those sections.
            hits = hits.stream().filter(h -> mentions(h, courseTerms)).toList();
            if (hits.isEmpty()) {
                return List.of();
            }
        }
        float bestSimilarity = (float) hits.stream().mapToDouble(SearchHit::similarity).max().orElse(0);
        float bestWords = (float) hits.stream().mapToDouble(SearchHit::wordScore).max().orElse(0);
        List<SearchHit> out = new ArrayList<>();
        Map<String, Integer> perLesson = new HashMap<>();
        for (SearchHit h : hits) {
            boolean close = h.similarity() >= RELATIVE_SIMILARITY * bestSimilarity || h.wordScore() >= RELATIVE_WORD_SCORE * bestWords;
            if (close && out.size() < MAX_PASSAGES && perLesson.merge(h.slug(), 1, Integer::sum) <= MAX_PER_LESSON) {
                out.add(h);
            }
        }
        return out;
    }

    /**
     * The gate: this hit alone shows the course answers the question (close in meaning, strong in
     * words and not far in meaning, or it has one of the question's {@link #courseTerms}).
     */
    public static boolean answers(SearchHit h, Set<String> courseTerms) {
        return h.similarity() >= MIN_SIMILARITY || (h.wordScore() >= MIN_WORD_SCORE && h.similarity() >= MIN_SIMILARITY_WITH_WORDS)
                || mentions(h, courseTerms);
    }

    /** The hit's text has one of the terms as a word (or as the start of one: "rlaif" in "RLAIF's"). */
    private static boolean mentions(SearchHit h, Set<String> terms) {
        if (terms.isEmpty()) {
            return false;
        }
        String text = h.text().toLowerCase(Locale.ROOT);
        return terms.stream().anyMatch(t -> java.util.regex.Pattern.compile("(?<![\\p{L}\\p{N}])" + java.util.regex.Pattern.quote(t)).matcher(text).find());
    }

    /** Common English words: a question word among them is no course-specific term ({@link #courseTerms}). */
    private static final Set<String> ENGLISH_WORDS = SentenceEncoder.wholeWords();

    static String firstWords(String text, int n) {
        String[] w = text.strip().split("\\s+");
        return w.length <= n ? String.join(" ", w) : String.join(" ", Arrays.copyOf(w, n)) + " …";
    }
}
