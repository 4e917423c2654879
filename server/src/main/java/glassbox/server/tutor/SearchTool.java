package glassbox.server.tutor;

import java.util.List;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.ChatFormat;

/**
 * The tutor's retrieval offered to the model as a tool, {@code search_course(query)}: how the tool
 * is described to the model and what its result looks like. Serving (lesson 22's agent loop) and the
 * agent training examples both come through here, so training sees exactly what serving builds.
 */
public final class SearchTool {
    public static final String NAME = "search_course";
    public static final String DESCRIPTION = "search the course; returns the passages that answer the query best";
    /** The tools line the model reads. */
    public static final ChatFormat.Tool LINE = new ChatFormat.Tool(NAME, DESCRIPTION, List.of(new ChatFormat.Parameter("query", "string", true)));

    private SearchTool() {
    }

    /** The call's arguments as compact JSON: {@code {"query":"..."}}. */
    public static String arguments(String query) {
        return glassbox.server.Json.MAPPER.createObjectNode().put("query", query).toString();
    }

    /**
     * Runs the search for {@code query} the way the tutor retrieves for a chat question, with the
     * passages sized to fit after {@code conversation} (which ends with the call) and before an answer
     * of {@code answerTokens}.
     */
    public static TutorPrompt run(Tutor tutor, BpeTokenizer tokenizer, List<ChatFormat.Message> conversation, String query,
                                  int contextLength, int answerTokens) {
        List<ChatFormat.Message> search = List.of(new ChatFormat.Message("user", query));
        // The tutor sizes its own prompt (system, passages, query); the passages must fit beside this conversation instead.
        int outside = ChatFormat.encode(tokenizer, List.of(new ChatFormat.Message("system", tutor.templates().system()), search.get(0)), true).length;
        int sofar = ChatFormat.encode(tokenizer, conversation, List.of(LINE), false).length;
        return tutor.prepare(search, Math.max(1, contextLength - answerTokens - sofar + outside));
    }

    /** The tool's result as the model reads it: the passages, numbered, as the tutor's context message holds them. */
    public static String result(TutorPrompt found) {
        return found.messages().stream().filter(m -> m.role().equals("context")).map(ChatFormat.Message::content).findFirst().orElse("");
    }
}
