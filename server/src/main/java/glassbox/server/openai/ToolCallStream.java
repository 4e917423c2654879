package glassbox.server.openai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import glassbox.model.infer.TokenTrace;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.SpecialToken;

/**
 * Streams one choice whose answer may hold a tool call, in OpenAI's shape: text before
 * {@code <|tool_call|>} goes out as {@code delta.content}; then one {@code delta.tool_calls} entry
 * with the call's index, id, type and name (once the name is written) and empty arguments, then
 * the arguments in fragments as they are generated. The call's closing brace is held back by one
 * character, since it belongs to the call, not to the arguments.
 */
final class ToolCallStream {
    /** Where the pieces go. */
    interface Sink {
        void content(String text, List<TokenTrace> tokens);

        void toolCall(Map<String, Object> delta);
    }

    private final int callToken;
    private final Sink sink;
    private final StringBuilder call = new StringBuilder();
    private boolean inCall;
    private boolean announced;
    private int sent;   // characters of call[] sent as arguments (counted from the arguments' start)
    private int argumentsAt;

    ToolCallStream(BpeTokenizer tokenizer, Sink sink) {
        this.callToken = tokenizer.id(SpecialToken.TOOL_CALL);
        this.sink = sink;
    }

    void onDelta(String text, List<TokenTrace> tokens) {
        if (!inCall && tokens.stream().anyMatch(t -> t.id() == callToken)) {
            int at = text.indexOf(ToolCallText.MARKER);
            if (at >= 0) {
                if (at > 0) {
                    sink.content(text.substring(0, at), tokens);
                }
                inCall = true;
                text = text.substring(at + ToolCallText.MARKER.length());
            }
        }
        if (!inCall) {
            if (!text.isEmpty() || !tokens.isEmpty()) {
                sink.content(text, tokens);
            }
            return;
        }
        call.append(text);
        flush(false);
    }

    /** Sends what is left once generation ended; whether a call was made. */
    boolean finish() {
        if (inCall) {
            flush(true);
        }
        return inCall;
    }

    private void flush(boolean end) {
        if (!announced) {
            ToolCallText head = ToolCallText.call("", call.toString());
            boolean nameDone = ToolCallText.HEAD.matcher(call).lookingAt() && call.indexOf(",\"arguments\":") > 0;
            if (!nameDone && !end) {
                return;
            }
            Map<String, Object> first = new LinkedHashMap<>();
            first.put("index", 0);
            first.put("id", ToolCallText.newId());
            first.put("type", "function");
            first.put("function", Map.of("name", head.name(), "arguments", ""));
            sink.toolCall(first);
            announced = true;
            int a = call.indexOf(",\"arguments\":");
            argumentsAt = a < 0 ? call.length() : a + ",\"arguments\":".length();
            sent = argumentsAt;
        }
        // Hold back the last character while the call may still be closing: it may be the call's own '}'.
        int upTo = end ? (ToolCallText.call("", call.toString()).complete() ? call.length() - 1 : call.length()) : call.length() - 1;
        if (upTo > sent) {
            Map<String, Object> more = new LinkedHashMap<>();
            more.put("index", 0);
            more.put("function", Map.of("arguments", call.substring(sent, upTo)));
            sink.toolCall(more);
            sent = upTo;
        }
    }
}
