package glassbox.rag.course;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a glossary term occurs in a lesson's text: the term's words in a row, ignoring case,
 * punctuation and hyphens ("Cross-attention" matches "cross attention") and a plural -s / -ies
 * ("Emergent ability" matches "emergent abilities").
 */
final class TermMatch {
    private static final Pattern WORD = Pattern.compile("[a-z0-9]+");

    private TermMatch() {
    }

    static boolean occurs(String term, String text) {
        List<String> t = words(term);
        return !t.isEmpty() && Collections.indexOfSubList(words(text), t) >= 0;
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(singular(m.group()));
        }
        return out;
    }

    private static String singular(String w) {
        if (w.length() > 4 && w.endsWith("ies")) {
            return w.substring(0, w.length() - 3) + "y";
        }
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }
}
