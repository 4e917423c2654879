package glassbox.model.infer;

import java.util.List;

/**
 * Finds stop strings in streamed text. Text is released only once it cannot be the start of a
 * stop string, so a caller never sees part of one; after a match the text ends before it.
 */
final class StopStrings {
    private final List<String> stops;
    private final StringBuilder text = new StringBuilder();
    private int released;
    private boolean stopped;

    StopStrings(List<String> stops) {
        this.stops = stops;
    }

    /** Adds decoded text; returns what can be released now. */
    String accept(String piece) {
        if (stopped) {
            return "";
        }
        int searchFrom = Math.max(0, released - longest());
        text.append(piece);
        int cut = -1;
        for (String s : stops) {
            int at = text.indexOf(s, searchFrom);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        if (cut >= 0) {
            stopped = true;
            text.setLength(cut);
            return release(cut);
        }
        return release(text.length() - heldBack());
    }

    /** Releases whatever is left at the end of generation. */
    String finish(String last) {
        String r = accept(last);
        return stopped ? r : r + release(text.length());
    }

    private String release(int upTo) {
        if (upTo <= released) {
            return "";
        }
        String r = text.substring(released, upTo);
        released = upTo;
        return r;
    }

    /** Length of the longest end of the text that is a proper start of some stop string. */
    private int heldBack() {
        int best = 0;
        String t = text.toString();
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, t.length()); len > best; len--) {
                if (t.regionMatches(t.length() - len, s, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }

    private int longest() {
        return stops.stream().mapToInt(String::length).max().orElse(0);
    }

    boolean stopped() {
        return stopped;
    }

    String text() {
        return text.toString();
    }
}
