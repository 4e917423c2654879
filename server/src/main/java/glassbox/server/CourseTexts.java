package glassbox.server;

import glassbox.model.train.data.CourseText;
import glassbox.rag.course.Course;

/** Maps the course as rag-index parses it onto the records the trainer reads (model and rag-index do not know each other). */
public final class CourseTexts {
    private CourseTexts() {
    }

    public static CourseText of(Course course) {
        return new CourseText(
                course.lessons().stream().map(l -> new CourseText.LessonText(l.slug(), l.title(), l.summary(), l.keyTerms(),
                        l.sections().stream().map(s -> new CourseText.SectionText(s.heading(), s.text())).toList())).toList(),
                course.glossary().stream().map(g -> new CourseText.GlossaryTerm(g.term(), g.definition(), g.lessonSlug())).toList());
    }
}
