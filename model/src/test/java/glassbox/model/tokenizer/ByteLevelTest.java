package glassbox.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ByteLevelTest {

    @Test
    void knownGpt2Characters() {
        // Values every GPT-2 style tokenizer.json relies on.
        assertThat(ByteLevel.toChar(' ')).isEqualTo('Ġ');
        assertThat(ByteLevel.toChar('\n')).isEqualTo('Ċ');
        assertThat(ByteLevel.toChar('\t')).isEqualTo('ĉ');
        assertThat(ByteLevel.toChar('A')).isEqualTo('A');
        assertThat(ByteLevel.toChar(0)).isEqualTo('Ā');
        assertThat(ByteLevel.toChar(0xAD)).isEqualTo('Ń');
        assertThat(ByteLevel.toChar(0xFF)).isEqualTo('ÿ');
    }

    @Test
    void mapIsABijectionOverAllBytes() {
        Set<Character> seen = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = ByteLevel.toChar(b);
            assertThat(seen.add(c)).as("byte %d maps to a fresh char", b).isTrue();
            assertThat(ByteLevel.toByte(c)).isEqualTo(b);
        }
    }

    @Test
    void roundTripsArbitraryBytes() {
        byte[] bytes = "héllo 世界 🙂\u0000\u007f".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ByteLevel.decode(ByteLevel.encode(bytes, 0, bytes.length))).isEqualTo(bytes);
    }

    @Test
    void rejectsCharactersOutsideTheMap() {
        assertThatThrownBy(() -> ByteLevel.decode("a世")).isInstanceOf(IllegalArgumentException.class);
    }
}
