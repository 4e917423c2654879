package glassbox.server.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.model.train.TokenDataset;
import glassbox.model.train.TrainingPipeline;
import glassbox.model.train.data.TrainingDocument;

/**
 * Lesson 16: typed messages through the real {@link ChatFormat}: the exact text, its token ids, and
 * which tokens fine-tuning's loss mask counts, taken from the code training runs
 * ({@link TrainingPipeline#encode} on the conversation as a chat example), not re-derived here.
 */
public final class ChatTemplateLab {
    /** Caps that keep one request cheap: messages, and characters of all contents together. */
    public static final int MAX_MESSAGES = 16;
    public static final int MAX_CHARS = 4_000;

    /** One token of the rendered conversation; {@code trained}: predicting it is part of the SFT loss. */
    public record Token(int id, String text, boolean special, boolean trained) {
    }

    /** The conversation as text and as tokens, and how many tokens count in the loss. */
    public record Rendered(String text, List<Token> tokens, int trainedCount) {
    }

    private ChatTemplateLab() {
    }

    public static Rendered render(BpeTokenizer tokenizer, List<ChatFormat.Message> messages, boolean addGenerationPrompt) {
        String text = ChatFormat.render(messages, addGenerationPrompt);
        int[] ids = ChatFormat.encode(tokenizer, messages, addGenerationPrompt);
        // The same conversation as a training example: [conversation ids..., <|eos|>] with target bits set on the answer tokens.
        TokenDataset.Stream stream = TrainingPipeline.encode(tokenizer, List.of(TrainingDocument.chat("lab", null, messages)));
        int conversation = stream.tokens().length - 1;   // without the <|eos|> that separates documents
        if (!Arrays.equals(Arrays.copyOf(stream.tokens(), conversation), Arrays.copyOf(ids, conversation))) {
            throw new IllegalStateException("training's encoding differs from ChatFormat.encode");
        }
        List<Token> tokens = new ArrayList<>(ids.length);
        int trained = 0;
        for (int i = 0; i < ids.length; i++) {
            // a generation prompt's trailing <|assistant|> is not part of a training example
            boolean t = i < conversation && stream.target().get(i);
            trained += t ? 1 : 0;
            tokens.add(new Token(ids[i], tokenizer.tokenText(ids[i]), tokenizer.isSpecial(ids[i]), t));
        }
        return new Rendered(text, tokens, trained);
    }
}
