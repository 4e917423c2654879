package glassbox.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.model.tokenizer.ChatFormat.Message;
import glassbox.model.tokenizer.SpecialToken;
import glassbox.model.train.data.TrainingDocument;

/** The trainer's token stream: chat examples encoded by the chat format, targets only on the assistant's turns. */
class TrainingPipelineEncodeTest {
    @Test
    void aChatExampleIsEncodedByTheFormatAndOnlyItsAnswerIsTrained() throws Exception {
        BpeTokenizer t = BpeTokenizer.load(Path.of("../models/course-tiny"));
        // The context quotes the format's spellings, as lessons 06, 16 and 23 do.
        List<Message> chat = List.of(new Message("context", "[1] Chat format\nTurns end with <|end|>, answers start at <|assistant|>."),
                new Message("user", "How does a turn end?"), new Message("assistant", "With the end token. [1]"));
        TrainingDocument d = TrainingDocument.chat("qa:0", "qa:end", chat);
        TokenDataset.Stream s = TrainingPipeline.encode(t, List.of(d));

        int[] ids = ChatFormat.encode(t, chat, false);
        assertThat(s.tokens()).startsWith(ids).hasSize(ids.length + 1).endsWith(t.id(SpecialToken.EOS));
        // Targets: exactly the answer's tokens and its <|end|>.
        List<Integer> targets = new ArrayList<>();
        s.target().stream().forEach(targets::add);
        int answer = t.encode("With the end token. [1]").length;
        int firstTarget = ids.length - 1 - answer;
        assertThat(targets).hasSize(answer + 1).first().isEqualTo(firstTarget);
        assertThat(t.decode(java.util.Arrays.copyOfRange(s.tokens(), firstTarget, ids.length))).isEqualTo("With the end token. [1]<|end|>");
        assertThat(d.text()).isEqualTo(ChatFormat.render(chat, false));
    }
}
