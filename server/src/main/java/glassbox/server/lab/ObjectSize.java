package glassbox.server.lab;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;

/**
 * A rough estimate of the heap an object graph of maps, lists, arrays, records, strings and
 * boxed numbers holds: what a trace costs to keep. Primitive arrays count their payload without
 * being read, so a trace with hundreds of megabytes of attention weights is measured quickly.
 */
final class ObjectSize {
    private static final int HEADER = 16;
    private static final int REFERENCE = 8;

    private ObjectSize() {
    }

    static long of(Object o) {
        if (o == null) {
            return 0;
        }
        if (o instanceof String s) {
            return HEADER + 24 + s.length();   // compact strings: one byte per Latin-1 character, two otherwise; a floor is enough
        }
        if (o instanceof Number || o instanceof Boolean || o instanceof Character || o instanceof Enum<?>) {
            return HEADER + 8;
        }
        if (o instanceof Map<?, ?> m) {
            long sum = HEADER + 32L * m.size();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sum += of(e.getKey()) + of(e.getValue());
            }
            return sum;
        }
        if (o instanceof Collection<?> c) {
            long sum = HEADER + (long) REFERENCE * c.size();
            for (Object e : c) {
                sum += of(e);
            }
            return sum;
        }
        Class<?> type = o.getClass();
        if (type.isArray()) {
            int n = Array.getLength(o);
            Class<?> element = type.getComponentType();
            if (element.isPrimitive()) {
                return HEADER + (long) n * primitiveBytes(element);
            }
            long sum = HEADER + (long) REFERENCE * n;
            for (int i = 0; i < n; i++) {
                sum += of(Array.get(o, i));
            }
            return sum;
        }
        if (type.isRecord()) {
            long sum = HEADER;
            for (RecordComponent rc : type.getRecordComponents()) {
                sum += REFERENCE + of(component(rc, o));
            }
            return sum;
        }
        return HEADER + 32;   // anything else kept in a trace is small
    }

    private static Object component(RecordComponent rc, Object record) {
        try {
            return rc.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static int primitiveBytes(Class<?> t) {
        return t == long.class || t == double.class ? 8 : t == int.class || t == float.class ? 4 : t == short.class || t == char.class ? 2 : 1;
    }
}
