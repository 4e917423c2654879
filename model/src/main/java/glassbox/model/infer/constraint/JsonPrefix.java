package glassbox.model.infer.constraint;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import glassbox.model.infer.constraint.JsonShape.AnyShape;
import glassbox.model.infer.constraint.JsonShape.ArrayShape;
import glassbox.model.infer.constraint.JsonShape.LiteralShape;
import glassbox.model.infer.constraint.JsonShape.NumberShape;
import glassbox.model.infer.constraint.JsonShape.ObjectShape;
import glassbox.model.infer.constraint.JsonShape.Property;
import glassbox.model.infer.constraint.JsonShape.StringShape;
import glassbox.model.infer.constraint.JsonShape.ToolCallShape;
import glassbox.model.infer.constraint.JsonShape.UnionShape;

/**
 * A pushdown automaton over bytes: which bytes keep the text written so far a prefix of some JSON
 * value of a given {@link JsonShape}. A position is an immutable stack of frames (what the value
 * being written still needs, then what its container needs after it), so trying a byte never
 * changes the position it was tried on: {@link #feed} returns a new one, or null.
 *
 * <p>Strings are checked as UTF-8 (no raw control characters, escapes {@code \" \\ \/ \b \f \n \r \t \\uXXXX}).
 * Numbers are JSON numbers of at most {@value #MAX_DIGITS} digits before and after the point (and
 * {@value #MAX_EXPONENT_DIGITS} in the exponent), so that a number always ends; an integer has at
 * most {@value #MAX_INTEGER_DIGITS} digits, so it fits a client's 32-bit {@code int}. No whitespace
 * is written between tokens.
 */
final class JsonPrefix {
    static final int MAX_DIGITS = 15;
    static final int MAX_INTEGER_DIGITS = 9;
    static final int MAX_EXPONENT_DIGITS = 3;

    /** A position: the innermost frame first. */
    record Stack(Frame top, Stack rest) {
    }

    interface Frame {
        /** The stack after {@code b}, or null when this frame cannot take {@code b}. */
        Stack feed(int b, Stack rest);

        /** The value this frame writes may stop here (a number's digits, a literal that another one extends). */
        default boolean mayEnd() {
            return false;
        }
    }

    private JsonPrefix() {
    }

    /** Nothing written yet: one value of {@code shape} is expected, then nothing. */
    static Stack start(JsonShape shape) {
        return new Stack(new ValueStart(shape), new Stack(End.INSTANCE, null));
    }

    /** The position after {@code b}, or null when {@code b} cannot come next. */
    static Stack feed(Stack s, int b) {
        while (s != null) {
            Stack next = s.top().feed(b, s.rest());
            if (next != null) {
                return next;
            }
            if (!s.top().mayEnd()) {
                return null;
            }
            s = s.rest();   // the value is complete: the byte belongs to its container
        }
        return null;
    }

    static Stack feed(Stack s, byte[] bytes) {
        for (int i = 0; i < bytes.length && s != null; i++) {
            s = feed(s, bytes[i] & 0xFF);
        }
        return s;
    }

    /** The whole value has been written (it may still go on, as a number may). */
    static boolean complete(Stack s) {
        while (s.top() != End.INSTANCE) {
            if (!s.top().mayEnd()) {
                return false;
            }
            s = s.rest();
        }
        return true;
    }

    /** The bytes a value of this shape can start with. */
    static BitSet firstBytes(JsonShape shape) {
        BitSet out = new BitSet(256);
        for (int b = 0; b < 256; b++) {
            if (new ValueStart(shape).feed(b, null) != null) {
                out.set(b);
            }
        }
        return out;
    }

    /** The end of the output: nothing more may be written. */
    enum End implements Frame {
        INSTANCE;

        @Override
        public Stack feed(int b, Stack rest) {
            return null;
        }
    }

    /** A value of {@code shape} starts here; its first byte decides what kind of value it is. */
    record ValueStart(JsonShape shape) implements Frame {
        @Override
        public Stack feed(int b, Stack rest) {
            return switch (shape) {
                case ObjectShape o -> b == '{' ? new Stack(new ObjectFrame(o, 0, ObjectFrame.OPENED), rest) : null;
                case ArrayShape a -> b == '[' ? new Stack(new ArrayFrame(a, 0, false), rest) : null;
                case StringShape s -> b == '"' ? new Stack(new StringFrame(s, 0, 0, 0), rest) : null;
                case NumberShape n -> new NumberFrame(n.integer(), NumberFrame.START, 0).feed(b, rest);
                case LiteralShape l -> Literal.of(l.texts()).feed(b, rest);
                case UnionShape u -> {
                    for (JsonShape option : u.options()) {
                        Stack next = new ValueStart(option).feed(b, rest);
                        if (next != null) {
                            yield next;
                        }
                    }
                    yield null;
                }
                case AnyShape any -> {
                    for (JsonShape option : List.of(JsonShape.ANY_OBJECT, JsonShape.ANY_ARRAY, JsonShape.STRING, JsonShape.NUMBER,
                            JsonShape.BOOLEAN, JsonShape.NULL)) {
                        Stack next = new ValueStart(option).feed(b, rest);
                        if (next != null) {
                            yield next;
                        }
                    }
                    yield null;
                }
                case ToolCallShape call -> {
                    List<byte[]> heads = new ArrayList<>();
                    List<JsonShape> arguments = new ArrayList<>();
                    List<Frame> closes = new ArrayList<>();
                    for (ToolSpec tool : call.tools()) {
                        heads.add(utf8("{\"name\":" + quote(tool.name()) + ",\"arguments\":"));
                        arguments.add(tool.parameters().root);
                        closes.add(Literal.of(List.of("}")));
                    }
                    yield new Choice(heads, arguments, closes, 0).feed(b, rest);
                }
            };
        }
    }

    /** One of fixed texts ({@code true}, an enum's values); may end as soon as one is complete. */
    record Literal(List<byte[]> texts, int pos) implements Frame {
        static Literal of(List<String> texts) {
            return new Literal(texts.stream().map(JsonPrefix::utf8).toList(), 0);
        }

        @Override
        public Stack feed(int b, Stack rest) {
            List<byte[]> kept = new ArrayList<>();
            for (byte[] t : texts) {
                if (pos < t.length && (t[pos] & 0xFF) == b) {
                    kept.add(t);
                }
            }
            if (kept.isEmpty()) {
                return null;
            }
            if (kept.size() == 1 && kept.get(0).length == pos + 1) {
                return rest;
            }
            return new Stack(new Literal(kept, pos + 1), rest);
        }

        @Override
        public boolean mayEnd() {
            for (byte[] t : texts) {
                if (t.length == pos) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Inside an object. {@code next}: the first declared property that may still come (they come
     * in order); {@code state}: just opened, after a value, or after a comma.
     */
    record ObjectFrame(ObjectShape shape, int next, int state) implements Frame {
        static final int OPENED = 0;
        static final int AFTER_VALUE = 1;
        static final int AFTER_COMMA = 2;

        @Override
        public Stack feed(int b, Stack rest) {
            if (b == '}' && state != AFTER_COMMA && requiredDone()) {
                return rest;
            }
            if (b == ',' && state == AFTER_VALUE && hasMoreKeys()) {
                return new Stack(new ObjectFrame(shape, next, AFTER_COMMA), rest);
            }
            if (state == AFTER_VALUE) {
                return null;
            }
            if (shape.otherValues() != null) {   // any key: a string, a colon, a value
                if (b != '"') {
                    return null;
                }
                Frame afterKey = new Colon(shape.otherValues(), new ObjectFrame(shape, next, AFTER_VALUE));
                return new Stack(new StringFrame(JsonShape.STRING, 0, 0, 0), new Stack(afterKey, rest));
            }
            // The keys that may come next (declared order; a required one cannot be skipped), each
            // followed by its value and then the object as it stands after that property.
            List<byte[]> keys = new ArrayList<>();
            List<JsonShape> values = new ArrayList<>();
            List<Frame> afters = new ArrayList<>();
            for (int i = next; i < shape.properties().size(); i++) {
                Property p = shape.properties().get(i);
                keys.add(utf8(quote(p.name()) + ":"));
                values.add(p.shape());
                afters.add(new ObjectFrame(shape, i + 1, AFTER_VALUE));
                if (p.required()) {
                    break;
                }
            }
            return new Choice(keys, values, afters, 0).feed(b, rest);
        }

        private boolean requiredDone() {
            for (int i = next; i < shape.properties().size(); i++) {
                if (shape.properties().get(i).required()) {
                    return false;
                }
            }
            return true;
        }

        private boolean hasMoreKeys() {
            return shape.otherValues() != null || next < shape.properties().size();
        }
    }

    /**
     * One of several prefix-free texts (a declared key with its colon, a tool call's head), each
     * followed by a value of its own shape and then its own frame.
     */
    record Choice(List<byte[]> texts, List<JsonShape> values, List<Frame> afters, int pos) implements Frame {
        @Override
        public Stack feed(int b, Stack rest) {
            List<byte[]> keptTexts = new ArrayList<>();
            List<JsonShape> keptValues = new ArrayList<>();
            List<Frame> keptAfters = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                byte[] t = texts.get(i);
                if (pos < t.length && (t[pos] & 0xFF) == b) {
                    keptTexts.add(t);
                    keptValues.add(values.get(i));
                    keptAfters.add(afters.get(i));
                }
            }
            if (keptTexts.isEmpty()) {
                return null;
            }
            if (keptTexts.size() == 1 && keptTexts.get(0).length == pos + 1) {
                return new Stack(new ValueStart(keptValues.get(0)), new Stack(keptAfters.get(0), rest));
            }
            return new Stack(new Choice(keptTexts, keptValues, keptAfters, pos + 1), rest);
        }
    }

    /** After a free-form key: a colon, then a value of {@code value}, then {@code after}. */
    record Colon(JsonShape value, Frame after) implements Frame {
        @Override
        public Stack feed(int b, Stack rest) {
            return b == ':' ? new Stack(new ValueStart(value), new Stack(after, rest)) : null;
        }
    }

    /** Inside an array after {@code count} items ({@code afterItem}: an item was just written). */
    record ArrayFrame(ArrayShape shape, int count, boolean afterItem) implements Frame {
        @Override
        public Stack feed(int b, Stack rest) {
            if (b == ']') {
                return count >= shape.minItems() ? rest : null;
            }
            if (afterItem) {
                return b == ',' && count < shape.maxItems()
                        ? new Stack(new ValueStart(shape.items()), new Stack(new ArrayFrame(shape, count + 1, true), rest))
                        : null;
            }
            return count < shape.maxItems()
                    ? new ValueStart(shape.items()).feed(b, new Stack(new ArrayFrame(shape, count + 1, true), rest))
                    : null;
        }
    }

    /**
     * Inside a string after its opening quote: {@code chars} characters so far; {@code escape}: 0
     * outside an escape, 1 after a backslash, 2..5 inside {@code \\uXXXX}; {@code continuation}: UTF-8
     * continuation bytes still owed; {@code lead}: the lead byte while its first continuation byte is
     * owed (that byte's range depends on it: no overlong forms, no surrogates, nothing past U+10FFFF),
     * else 0.
     */
    record StringFrame(StringShape shape, int chars, int escape, int continuation, int lead) implements Frame {
        StringFrame(StringShape shape, int chars, int escape, int continuation) {
            this(shape, chars, escape, continuation, 0);
        }

        @Override
        public Stack feed(int b, Stack rest) {
            if (continuation > 0) {
                int low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
                int high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
                return b >= low && b <= high ? new Stack(new StringFrame(shape, chars, 0, continuation - 1), rest) : null;
            }
            if (escape == 1) {
                if (b == 'u') {
                    return new Stack(new StringFrame(shape, chars, 2, 0), rest);
                }
                return "\"\\/bfnrt".indexOf(b) >= 0 ? new Stack(new StringFrame(shape, chars, 0, 0), rest) : null;
            }
            if (escape >= 2) {
                boolean hex = b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F';
                return hex ? new Stack(new StringFrame(shape, chars, escape == 5 ? 0 : escape + 1, 0), rest) : null;
            }
            if (b == '"') {
                return chars >= shape.minLength() ? rest : null;
            }
            if (chars >= shape.maxLength() || b < 0x20) {
                return null;
            }
            if (b == '\\') {
                return new Stack(new StringFrame(shape, counted(), 1, 0), rest);
            }
            if (b < 0x80) {
                return new Stack(new StringFrame(shape, counted(), 0, 0), rest);
            }
            int owed = b >= 0xC2 && b <= 0xDF ? 1 : b >= 0xE0 && b <= 0xEF ? 2 : b >= 0xF0 && b <= 0xF4 ? 3 : -1;
            return owed < 0 ? null : new Stack(new StringFrame(shape, counted(), 0, owed, b), rest);
        }

        private int counted() {
            return chars + 1;
        }
    }

    /** A JSON number, one phase at a time: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. */
    record NumberFrame(boolean integer, int phase, int digits) implements Frame {
        static final int START = 0, MINUS = 1, ZERO = 2, INT = 3, POINT = 4, FRACTION = 5, E = 6, E_SIGN = 7, EXPONENT = 8;

        @Override
        public Stack feed(int b, Stack rest) {
            boolean digit = b >= '0' && b <= '9';
            int next = switch (phase) {
                case START -> b == '-' ? MINUS : b == '0' ? ZERO : digit ? INT : -1;
                case MINUS -> b == '0' ? ZERO : digit ? INT : -1;
                case ZERO, INT -> digit && phase == INT && digits < (integer ? MAX_INTEGER_DIGITS : MAX_DIGITS) ? INT
                        : b == '.' && !integer ? POINT : (b == 'e' || b == 'E') && !integer ? E : -1;
                case POINT -> digit ? FRACTION : -1;
                case FRACTION -> digit && digits < MAX_DIGITS ? FRACTION : b == 'e' || b == 'E' ? E : -1;
                case E -> b == '+' || b == '-' ? E_SIGN : digit ? EXPONENT : -1;
                case E_SIGN -> digit ? EXPONENT : -1;
                case EXPONENT -> digit && digits < MAX_EXPONENT_DIGITS ? EXPONENT : -1;
                default -> -1;
            };
            if (next < 0) {
                return null;
            }
            int count = next != phase ? (digit ? 1 : 0) : digits + 1;
            return new Stack(new NumberFrame(integer, next, count), rest);
        }

        @Override
        public boolean mayEnd() {
            return phase == ZERO || phase == INT || phase == FRACTION || phase == EXPONENT;
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A string as a JSON string literal. */
    static String quote(String s) {
        return new com.fasterxml.jackson.databind.node.TextNode(s).toString();
    }
}
