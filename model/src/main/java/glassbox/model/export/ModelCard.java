package glassbox.model.export;

import java.util.Locale;

import glassbox.model.tokenizer.SpecialToken;
import glassbox.model.train.ModelConfig;

/** The model card (README.md) of an exported model, written from the training report. */
final class ModelCard {
    private ModelCard() {
    }

    static String render(ModelConfig c, TrainingReport r) {
        return String.format(Locale.ROOT, """
                # %1$s

                A tiny Llama-style language model trained by Glassbox, in Java, on the Glassbox course:
                all lessons and the glossary, plus thousands of tutor examples (a learner's question, the
                passages the tutor's own retriever finds for it, and an answer quoting the passage
                sentences that answer it, cited as [n]). It exists to be looked inside, not to be relied
                on: it knows nothing outside the course, and its free text is often wrong; the tutor
                decodes it grounded to the retrieved passages.

                ## Architecture
                | | |
                |---|---|
                | parameters | %2$,d |
                | layers | %3$d |
                | hidden size | %4$d |
                | attention heads | %5$d (head dim %6$d, multi-head, no GQA) |
                | feed-forward | SwiGLU, width %7$d |
                | norm | RMSNorm, eps %8$s |
                | positions | RoPE (rotate-half), theta %9$.0f |
                | vocabulary | %10$d (byte-level BPE trained on the course, %26$d special tokens) |
                | context | %11$d tokens (config.json advertises %12$d RoPE positions, see below) |
                | output head | tied to the token embedding |
                | weights | F32 safetensors |

                ## Training
                | | |
                |---|---|
                | steps | %13$,d (%14$s) |
                | tokens seen | %15$,d |
                | train / validation tokens | %16$,d / %17$,d (validation = held-out questions; chat examples are scored on their answers only) |
                | best validation loss | %18$.3f nats/token (perplexity %19$.1f) |
                | last training loss | %20$.3f |
                | initial loss (uniform guess) | %21$.3f = ln(%10$d) |
                | wall time | %22$.0f s on this machine (%23$,.0f tokens/s) |
                | seed | %24$d |
                | corpus sha256 | `%25$s` |

                The curves are in `loss-curve.svg`, every step in `training.json`.

                ## Notes
                - jlama 0.8.4 indexes its RoPE table at position + 2·head for multi-head models, so
                  `max_position_embeddings` is set a little above the trained context; Glassbox's engine
                  refuses prompts longer than `glassbox_context_length`.
                - Special tokens: %27$s. A chat turn is `<|role|>text<|end|>`;
                  `<|tool_call|>` and `<|tool|>` are reserved for tool calls and their results.

                Retrain with `./scripts/train` (same seed and course → the same weights on the same machine).
                """,
                r.modelName(), c.parameterCount(), c.numLayers(), c.hiddenSize(), c.numHeads(), c.headDim(),
                c.intermediateSize(), Float.toString(c.rmsNormEps()), c.ropeTheta(), c.vocabSize(), c.contextLength(),
                c.exportedMaxPositions(), r.steps(), r.stoppedEarly() ? "early stop: validation loss stopped improving" : "max steps",
                r.tokensSeen(), r.trainTokens(), r.validationTokens(), r.bestValLoss(), Math.exp(r.bestValLoss()),
                r.finalTrainLoss(), Math.log(c.vocabSize()), r.wallSeconds(), r.trainTokensPerSecond(), r.seed(), r.corpusSha256(),
                SpecialToken.values().length, String.join(", ", java.util.Arrays.stream(SpecialToken.values()).map(t -> "`" + t.text() + "`").toList()));
    }
}
