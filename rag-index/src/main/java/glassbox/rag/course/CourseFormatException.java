package glassbox.rag.course;

/** A course file does not follow the lesson format; the message names the file and the problem. */
public final class CourseFormatException extends RuntimeException {
    public CourseFormatException(String message) {
        super(message);
    }
}
