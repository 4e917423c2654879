package glassbox.model.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits plain course text into the sentences a tutor answer may quote. A sentence ends at
 * {@code . ! ?} (with closing quotes or brackets) followed by whitespace and a capital, digit or
 * opening bracket, or at a line break. Only "quotable" sentences are returned: at least
 * {@link #MIN_WORDS} words, starting with a capital or digit after any list marker such as
 * {@code "- "} (so a fragment cut mid-sentence is not one), ending with sentence punctuation,
 * free of table bars, display formulas and the "…" of shortened text, and with its inline
 * formulas whole (an even number of {@code $}).
 */
public final class Sentences {
    /** One sentence: {@code text.substring(start, end)}, ending with its punctuation. */
    public record Span(int start, int end) {
        public String of(String text) {
            return text.substring(start, end);
        }
    }

    public static final int MIN_WORDS = 4;

    private static final Pattern END = Pattern.compile("[.!?][\"')\\]]*(?=\\s+[\\p{Lu}\\p{N}(\\[\"']|\\s*$)|\\n");
    private static final Pattern LIST_MARKER = Pattern.compile("^(?:[-*•]\\s+|\\d+[.)]\\s+)");

    private Sentences() {
    }

    public static List<Span> split(String text) {
        List<Span> out = new ArrayList<>();
        int from = 0;
        Matcher m = END.matcher(text);
        while (from < text.length()) {
            int end, next;
            if (m.find(from)) {
                end = text.charAt(m.start()) == '\n' ? m.start() : m.end();
                next = m.end();
            } else {
                end = next = text.length();
            }
            addIfQuotable(text, from, end, out);
            from = next;
        }
        return out;
    }

    /**
     * An even number of inline-math dollars ({@code \$} is a literal dollar): an odd count means the
     * text was cut inside a formula, as at the start of a long section's second window
     * ("1)$ have the dot product ..."), which reads as nonsense when quoted.
     */
    static boolean balancedMath(String sentence) {
        return sentence.replace("\\$", "").chars().filter(c -> c == '$').count() % 2 == 0;
    }

    private static void addIfQuotable(String text, int start, int end, List<Span> out) {
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        Matcher marker = LIST_MARKER.matcher(text).region(start, end);
        if (marker.lookingAt()) {
            start = marker.end();
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (end - start < 2) {
            return;
        }
        String s = text.substring(start, end);
        char first = s.charAt(0);
        String unquoted = s.replaceAll("[\"')\\]]+$", "");
        char last = unquoted.isEmpty() ? ' ' : unquoted.charAt(unquoted.length() - 1);
        boolean opens = Character.isUpperCase(first) || Character.isDigit(first);
        boolean closes = last == '.' || last == '!' || last == '?';
        if (opens && closes && !s.contains("|") && !s.contains("$$") && !s.contains("…") && s.split("\\s+").length >= MIN_WORDS
                && balancedMath(s)) {
            out.add(new Span(start, end));
        }
    }
}
