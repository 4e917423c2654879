package glassbox.server.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.rag.SearchHit;
import glassbox.server.tutor.Citation;
import glassbox.server.tutor.Tutor;
import glassbox.server.tutor.TutorPrompt;

/**
 * What the tutor does with one question before the model writes a word, step by step, for the
 * lessons' agent trace and limits widgets: the search it runs (the tool call) and its hits (the
 * observation), which hits pass its gate, the passages that go into the prompt, and the prompt's
 * size per message. Built from the same {@link Tutor} calls {@code /v1/chat/completions} makes, so
 * the passages and their numbers are the answer's citations.
 */
public final class TutorSteps {
    private final Tutor tutor;
    private final BpeTokenizer tokenizer;
    private final int contextLength;

    public TutorSteps(Tutor tutor, BpeTokenizer tokenizer, int contextLength) {
        this.tutor = tutor;
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
    }

    /**
     * The steps for {@code question} with {@code maxTokens} kept for the answer (as the chat endpoint
     * keeps them: the prompt must fit in the rest of the context).
     */
    public Map<String, Object> of(String question, int maxTokens) {
        Tutor.Retrieval r = tutor.retrieval(question);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("question", question);
        List<Map<String, Object>> hits = new ArrayList<>();
        for (SearchHit h : r.hits()) {
            Map<String, Object> m = LabApi.hitJson(h);
            m.put("lab_steps", Tutor.isLabSteps(h));
            m.put("passes_gate", !Tutor.isLabSteps(h) && Tutor.answers(h, r.courseTerms()));
            m.put("used", r.used().contains(h));
            hits.add(m);
        }
        out.put("search", Map.of("tool", "search", "k", Tutor.SEARCH_DEPTH, "hits", hits));
        Map<String, Object> gate = new LinkedHashMap<>();
        gate.put("min_similarity", Tutor.MIN_SIMILARITY);
        gate.put("min_word_score", Tutor.MIN_WORD_SCORE);
        gate.put("min_similarity_with_words", Tutor.MIN_SIMILARITY_WITH_WORDS);
        gate.put("relative_similarity", Tutor.RELATIVE_SIMILARITY);
        gate.put("relative_word_score", Tutor.RELATIVE_WORD_SCORE);
        gate.put("max_passages", Tutor.MAX_PASSAGES);
        gate.put("course_terms", r.courseTerms());
        gate.put("max_term_chunks", Tutor.MAX_TERM_CHUNKS);
        gate.put("answered", !r.used().isEmpty());
        out.put("gate", gate);

        TutorPrompt p = tutor.prepare(List.of(new ChatFormat.Message("user", question)), Math.max(1, contextLength - maxTokens));
        out.put("fallback", p.fallback());
        List<Map<String, Object>> passages = new ArrayList<>();
        for (Citation c : p.citations()) {
            passages.add(Map.of("number", c.number(), "slug", c.slug(), "title", c.title(), "section", c.section(),
                    "anchor", c.anchor(), "text", c.passage()));
        }
        out.put("passages", passages);
        out.put("prompt", p.answered() ? prompt(p.messages(), maxTokens) : null);
        return out;
    }

    /** The prompt's tokens per message (role marker + content + end marker) and the two markers around them (BOS, assistant). */
    private Map<String, Object> prompt(List<ChatFormat.Message> messages, int maxTokens) {
        List<Map<String, Object>> parts = new ArrayList<>();
        for (ChatFormat.Message m : messages) {
            parts.add(Map.of("role", m.role(), "tokens", tokenizer.encode(m.content()).length + 2, "chars", m.content().length()));
        }
        int total = ChatFormat.encode(tokenizer, messages, true).length;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("messages", parts);
        out.put("markup_tokens", 2);
        out.put("tokens", total);
        out.put("context_length", contextLength);
        out.put("max_tokens", maxTokens);
        out.put("room_left", contextLength - total);
        return out;
    }
}
