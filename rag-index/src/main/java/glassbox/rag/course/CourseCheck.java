package glassbox.rag.course;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The course's house rules, as a list of problems (empty = fine): complete front matter, slug
 * equal to the file name, 600-1,500 words, unique headings, a worked example and a closing
 * "Try it in the lab" section, prerequisites and glossary links that resolve.
 */
public final class CourseCheck {
    public static final int MIN_WORDS = 600;
    public static final int MAX_WORDS = 1500;
    public static final int MIN_GLOSSARY_TERMS = 150;

    private CourseCheck() {
    }

    public static List<String> problems(Course course) {
        List<String> fileNames = course.lessonFiles();
        List<String> problems = new ArrayList<>();
        Set<String> slugs = new HashSet<>();
        for (int i = 0; i < course.lessons().size(); i++) {
            Lesson l = course.lessons().get(i);
            String file = fileNames.get(i);
            slugs.add(l.slug());
            if (!file.equals(l.slug() + ".md")) {
                problems.add(file + ": slug '" + l.slug() + "' does not match the file name");
            }
            if (l.keyTerms().isEmpty()) {
                problems.add(file + ": key_terms is empty");
            }
            int words = l.wordCount();
            if (words < MIN_WORDS || words > MAX_WORDS) {
                problems.add(file + ": " + words + " words (expected " + MIN_WORDS + "-" + MAX_WORDS + ")");
            }
            Set<String> anchors = new HashSet<>();
            for (Section s : l.sections()) {
                if (!anchors.add(s.anchor())) {
                    problems.add(file + ": heading '" + s.heading() + "' is not unique");
                }
            }
            if (l.sections().size() < 3) {
                problems.add(file + ": needs at least 3 '##' sections, has " + l.sections().size());
            }
            if (l.sections().stream().noneMatch(s -> s.heading().toLowerCase().startsWith("worked example"))) {
                problems.add(file + ": no '## Worked example…' section");
            }
            if (l.sections().isEmpty() || !l.sections().get(l.sections().size() - 1).heading().equalsIgnoreCase("Try it in the lab")) {
                problems.add(file + ": the last section must be '## Try it in the lab'");
            }
        }
        for (int i = 0; i < course.lessons().size(); i++) {
            for (String p : course.lessons().get(i).prerequisites()) {
                if (!slugs.contains(p)) {
                    problems.add(fileNames.get(i) + ": prerequisite '" + p + "' is not a lesson");
                }
            }
        }
        Set<String> terms = new HashSet<>();
        for (GlossaryEntry e : course.glossary()) {
            if (!terms.add(e.term().toLowerCase())) {
                problems.add(Course.GLOSSARY_FILE + ": term '" + e.term() + "' appears twice");
            }
            if (!slugs.contains(e.lessonSlug())) {
                problems.add(Course.GLOSSARY_FILE + ": term '" + e.term() + "' links to unknown lesson '" + e.lessonSlug() + "'");
            }
        }
        if (course.glossary().size() < MIN_GLOSSARY_TERMS) {
            problems.add(Course.GLOSSARY_FILE + ": " + course.glossary().size() + " terms (expected at least " + MIN_GLOSSARY_TERMS + ")");
        }
        return problems;
    }
}
