package glassbox.rag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import glassbox.rag.course.Course;
import glassbox.rag.course.GlossaryEntry;
import glassbox.rag.course.Lesson;
import glassbox.rag.course.Section;

/**
 * Cuts lessons into chunks by {@code ##} section. A section longer than {@link #WINDOW_WORDS}
 * words becomes overlapping windows ({@link #OVERLAP_WORDS} shared words), so a sentence near
 * a cut is still found with its neighbours. Glossary terms join the key terms of the lesson
 * they point to: a question about a term finds the lesson that teaches it. A lesson's Exercises and
 * Further reading are not indexed: the tutor should explain from the teaching text, not quote a
 * list of papers or the answer to an exercise nobody asked (with exercises indexed, the retrieval
 * dev set went from hit@1 0.914 / hit@3 0.983 to 0.922 / 0.974).
 */
public final class Chunker {
    public static final int WINDOW_WORDS = 220;
    public static final int OVERLAP_WORDS = 40;

    private static final Pattern MARKUP = Pattern.compile("\\*\\*|__|`|^#+\\s*", Pattern.MULTILINE);
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)]\\([^)\\s]+\\)");

    private Chunker() {
    }

    public static List<Chunk> chunks(Course course) {
        List<Chunk> chunks = new ArrayList<>();
        for (Lesson lesson : course.lessons()) {
            StringBuilder terms = new StringBuilder(String.join(", ", lesson.keyTerms()));
            for (GlossaryEntry g : course.glossary()) {
                if (g.lessonSlug().equals(lesson.slug())) {
                    terms.append(", ").append(g.term());
                }
            }
            for (Section s : lesson.sections()) {
                if (s.isBackMatter()) {
                    continue;
                }
                for (String window : windows(plain(s.text()))) {
                    chunks.add(new Chunk(lesson.slug(), lesson.title(), lesson.summary(), s.heading(), s.anchor(),
                            s.position(), terms.toString(), window));
                }
            }
        }
        return chunks;
    }

    /** Markdown emphasis, code marks and link targets removed; formulas and words kept. */
    static String plain(String markdown) {
        return MARKUP.matcher(LINK.matcher(markdown).replaceAll("$1")).replaceAll("").strip();
    }

    static List<String> windows(String text) {
        String[] words = text.split("\\s+");
        if (words.length <= WINDOW_WORDS) {
            return List.of(text);
        }
        List<String> out = new ArrayList<>();
        int step = WINDOW_WORDS - OVERLAP_WORDS;
        for (int from = 0; from < words.length; from += step) {
            int to = Math.min(words.length, from + WINDOW_WORDS);
            out.add(String.join(" ", Arrays.copyOfRange(words, from, to)));
            if (to == words.length) {
                break;
            }
        }
        return out;
    }
}
