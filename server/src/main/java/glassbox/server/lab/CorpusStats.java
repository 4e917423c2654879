package glassbox.server.lab;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.train.TokenDataset;
import glassbox.model.train.TrainingConfig;
import glassbox.model.train.TrainingPipeline;
import glassbox.model.train.data.TrainingDocument;

/**
 * Lesson 13: the training corpus in numbers, counted with the code training runs: the split by
 * {@link TrainingPipeline#split}, each document's tokens by {@link TrainingPipeline#encode} (with its
 * {@code <|bos|>}/{@code <|eos|>} and loss mask), the hash by {@link TrainingPipeline#hash}, and how
 * often each token id occurs on the training side.
 */
public final class CorpusStats {
    static final int TOP_TOKENS = 40;
    static final int MAX_GROUPS = 100;
    static final int BIN = 64;
    static final int[] ZIPF_RANKS = {1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 3000, 4000};

    /** Documents of one kind (lesson, glossary, tutor example) on each side of the split. */
    public record Kind(String kind, int documents, long tokens, long trainedTokens, int validationDocuments, long validationTokens) {
    }

    /** One plain document (a lesson or a glossary page): its tokens and side. */
    public record Doc(String id, String kind, int tokens, boolean validation) {
    }

    /** Chat examples whose token count lies in [from, to). */
    public record Bin(int from, int to, int count) {
    }

    public record TokenCount(int id, String text, boolean special, long count) {
    }

    public record RankCount(int rank, long count) {
    }

    public record Result(String corpusSha256, String recordedSha256, boolean matchesRecorded, int documents, long tokens,
                         int trainDocuments, long trainTokens, long trainedTokens, int validationDocuments, long validationTokens,
                         int vocabSize, int distinctTokens, List<Kind> kinds, List<Doc> plainDocuments, List<Bin> exampleTokens,
                         int heldOutGroupCount, List<String> heldOutGroups, List<TokenCount> topTokens, List<RankCount> zipf) {
    }

    private CorpusStats() {
    }

    static String kind(TrainingDocument d) {
        String prefix = d.id().contains(":") ? d.id().substring(0, d.id().indexOf(':')) : d.id();
        return switch (prefix) {
            case "lesson" -> "lesson";
            case "glossary" -> "glossary";
            default -> d.chat() ? "tutor example" : prefix;
        };
    }

    public static Result compute(List<TrainingDocument> docs, TrainingConfig config, BpeTokenizer tokenizer, String recordedHash) {
        TrainingPipeline.Split split = TrainingPipeline.split(docs, config);
        java.util.Set<TrainingDocument> held = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        held.addAll(split.validation());
        List<String> kindNames = new ArrayList<>();
        List<long[]> kindCounts = new ArrayList<>();   // documents, tokens, trained, validation documents, validation tokens
        List<Doc> plain = new ArrayList<>();
        int[] bins = new int[config.contextLength() / BIN + 1];
        long[] freq = new long[tokenizer.vocabSize()];
        long trainTokens = 0, trained = 0, validationTokens = 0;
        for (TrainingDocument d : docs) {
            // one document as training encodes it: <|bos|> text <|eos|> (plain) or the chat ids and <|eos|>
            TokenDataset.Stream s = TrainingPipeline.encode(tokenizer, List.of(d));
            int n = s.tokens().length, t = s.target().cardinality();
            boolean validation = held.contains(d);
            String kind = kind(d);
            int k = kindNames.indexOf(kind);
            if (k < 0) {
                kindNames.add(kind);
                kindCounts.add(new long[5]);
                k = kindNames.size() - 1;
            }
            long[] c = kindCounts.get(k);
            if (validation) {
                c[3]++;
                c[4] += n;
                validationTokens += n;
            } else {
                c[0]++;
                c[1] += n;
                c[2] += t;
                trainTokens += n;
                trained += t;
                for (int id : s.tokens()) {
                    freq[id]++;
                }
            }
            if (d.chat()) {
                bins[Math.min(bins.length - 1, n / BIN)]++;
            } else {
                plain.add(new Doc(d.id(), kind, n, validation));
            }
        }
        List<Kind> kinds = new ArrayList<>();
        for (int k = 0; k < kindNames.size(); k++) {
            long[] c = kindCounts.get(k);
            kinds.add(new Kind(kindNames.get(k), (int) c[0], c[1], c[2], (int) c[3], c[4]));
        }
        List<Bin> histogram = new ArrayList<>();
        for (int b = 0; b < bins.length; b++) {
            histogram.add(new Bin(b * BIN, b == bins.length - 1 ? Integer.MAX_VALUE : (b + 1) * BIN, bins[b]));
        }
        TreeSet<String> groups = new TreeSet<>();
        for (TrainingDocument d : split.validation()) {
            groups.add(d.group() == null ? d.id() : d.group().replaceFirst("^qa:", ""));
        }
        int[] byCount = IntStream.range(0, freq.length).filter(i -> freq[i] > 0).boxed()
                .sorted(Comparator.comparingLong((Integer i) -> -freq[i]).thenComparingInt(i -> i)).mapToInt(Integer::intValue).toArray();
        List<TokenCount> top = new ArrayList<>();
        for (int i = 0; i < Math.min(TOP_TOKENS, byCount.length); i++) {
            int id = byCount[i];
            top.add(new TokenCount(id, tokenizer.tokenText(id), tokenizer.isSpecial(id), freq[id]));
        }
        List<RankCount> zipf = new ArrayList<>();
        for (int r : ZIPF_RANKS) {
            if (r <= byCount.length) {
                zipf.add(new RankCount(r, freq[byCount[r - 1]]));
            }
        }
        if (byCount.length > 0 && zipf.get(zipf.size() - 1).rank() != byCount.length) {
            zipf.add(new RankCount(byCount.length, freq[byCount[byCount.length - 1]]));
        }
        String hash = TrainingPipeline.hash(docs);
        return new Result(hash, recordedHash, hash.equals(recordedHash), docs.size(), trainTokens + validationTokens,
                split.train().size(), trainTokens, trained, split.validation().size(), validationTokens, tokenizer.vocabSize(),
                byCount.length, kinds, plain, histogram, groups.size(), groups.stream().limit(MAX_GROUPS).toList(), top, zipf);
    }
}
