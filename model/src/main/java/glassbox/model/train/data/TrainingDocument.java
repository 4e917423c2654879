package glassbox.model.train.data;

/**
 * One unit of training text. {@code group} decides the train/validation split: all documents of
 * a group land on the same side, so a lesson's chat examples never leak into validation when
 * the lesson itself is held out; a document without a group ({@code null}) is always trained on.
 * {@code chat} documents contain special-token markup, and only their assistant turns are trained.
 */
public record TrainingDocument(String id, String group, String text, boolean chat) {
}
