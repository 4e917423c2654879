package glassbox.rag.course;

import java.util.Locale;

/** Heading → URL anchor, the way GitHub and most Markdown renderers make them. */
public final class Anchors {
    private Anchors() {
    }

    public static String of(String heading) {
        String lower = heading.strip().toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                sb.append(c);
            } else if (c == ' ') {
                sb.append('-');
            }
        }
        return sb.toString();
    }
}
