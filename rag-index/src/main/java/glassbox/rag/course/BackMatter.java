package glassbox.rag.course;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules for what follows a lesson's teaching text: {@code ## Exercises} with at least three
 * answered exercises, one of each kind, and {@code ## Further reading} with 2-4 sources, each a
 * list item naming its year.
 */
final class BackMatter {
    static final int MIN_EXERCISES = 3;
    static final int MIN_READING = 2;
    static final int MAX_READING = 4;
    private static final Pattern YEAR = Pattern.compile("\\((1[89]\\d\\d|20\\d\\d)\\)");

    private BackMatter() {
    }

    static List<String> problems(String file, Lesson lesson) {
        List<String> problems = new ArrayList<>();
        lesson.section(Lesson.EXERCISES).ifPresentOrElse(s -> exercises(file, s.text(), problems),
                () -> problems.add(file + ": no '## " + Lesson.EXERCISES + "' section"));
        lesson.section(Lesson.FURTHER_READING).ifPresentOrElse(s -> reading(file, s.text(), problems),
                () -> problems.add(file + ": no '## " + Lesson.FURTHER_READING + "' section"));
        return problems;
    }

    private static void exercises(String file, String text, List<String> problems) {
        List<Exercise> exercises = Exercise.parse(text);
        if (exercises.size() < MIN_EXERCISES) {
            problems.add(file + ": " + exercises.size() + " exercises (expected at least " + MIN_EXERCISES + ")");
        }
        for (Exercise e : exercises) {
            if (!Exercise.KINDS.contains(e.kind())) {
                problems.add(file + ": exercise " + e.number() + " is a '" + e.kind() + "' (expected one of " + Exercise.KINDS + ")");
            }
            if (e.question().isBlank()) {
                problems.add(file + ": exercise " + e.number() + " has no question");
            }
            if (e.answer().isBlank()) {
                problems.add(file + ": exercise " + e.number() + " has no answer in " + Exercise.OPEN + " ... " + Exercise.CLOSE);
            }
        }
        for (String kind : Exercise.KINDS) {
            if (exercises.stream().noneMatch(e -> e.kind().equals(kind))) {
                problems.add(file + ": no '" + kind + "' exercise");
            }
        }
        List<String> lines = text.lines().toList();
        long opens = lines.stream().filter(l -> l.strip().equals(Exercise.OPEN)).count();
        long closes = lines.stream().filter(l -> l.strip().equals(Exercise.CLOSE)).count();
        if (opens != closes) {
            problems.add(file + ": " + opens + " answers opened but " + closes + " closed");
        }
        // Markdown reads an HTML line as a block only up to the next blank line: the tags need blank lines around them.
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            boolean tag = l.equals(Exercise.OPEN) || l.equals(Exercise.CLOSE);
            if (tag && ((i > 0 && !lines.get(i - 1).isBlank()) || (i + 1 < lines.size() && !lines.get(i + 1).isBlank()))) {
                problems.add(file + ": '" + l + "' needs a blank line before and after it");
            }
        }
    }

    private static void reading(String file, String text, List<String> problems) {
        List<String> items = text.lines().filter(l -> l.startsWith("- ")).toList();
        if (items.size() < MIN_READING || items.size() > MAX_READING) {
            problems.add(file + ": " + items.size() + " further-reading entries (expected " + MIN_READING + "-" + MAX_READING + ")");
        }
        for (String item : items) {
            if (!YEAR.matcher(item).find()) {
                problems.add(file + ": further-reading entry without a (year): " + item);
            }
        }
    }
}
