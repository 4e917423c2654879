package glassbox.model.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first step of encoding: text is split into pieces (words with their leading space,
 * numbers, punctuation runs, whitespace) and BPE then merges only inside a piece, so a token
 * never spans two words.
 */
final class PreTokenizer {
    /** GPT-2's pre-split: contractions, letter runs, digit runs, other symbols, whitespace. */
    static final String SPLIT_REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final Pattern SPLIT = Pattern.compile(SPLIT_REGEX);
    /** Any special token's spelling, e.g. {@code <|user|>}. */
    static final Pattern SPECIALS = Pattern.compile(
            String.join("|", Arrays.stream(SpecialToken.values()).map(t -> Pattern.quote(t.text())).toList()));

    private PreTokenizer() {
    }

    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = SPLIT.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
