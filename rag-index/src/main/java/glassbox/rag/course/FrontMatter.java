package glassbox.rag.course;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The YAML front matter subset the course uses: {@code key: scalar}, {@code key: []} and
 * block lists ({@code key:} followed by {@code  - item} lines). Scalars may be quoted.
 * Anything else is a format error, so a typo cannot silently drop a field.
 */
public record FrontMatter(Map<String, Object> fields, String body) {

    public static FrontMatter parse(String name, String markdown) {
        String text = markdown.replace("\r\n", "\n");
        if (!text.startsWith("---\n")) {
            throw new CourseFormatException(name + ": missing front matter (the file must start with ---)");
        }
        int end = text.indexOf("\n---\n", 3);
        if (end < 0) {
            throw new CourseFormatException(name + ": front matter is not closed with ---");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        String currentList = null;
        int lineNo = 1;
        for (String line : text.substring(4, end + 1).split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("  - ") || line.startsWith("- ")) {
                if (currentList == null) {
                    throw new CourseFormatException(name + ":" + lineNo + ": list item outside a list");
                }
                @SuppressWarnings("unchecked")
                List<String> list = (List<String>) fields.get(currentList);
                list.add(unquote(line.substring(line.indexOf("- ") + 2)));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || Character.isWhitespace(line.charAt(0))) {
                throw new CourseFormatException(name + ":" + lineNo + ": expected 'key: value', got '" + line + "'");
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (fields.containsKey(key)) {
                throw new CourseFormatException(name + ":" + lineNo + ": duplicate key '" + key + "'");
            }
            if (value.isEmpty()) {
                fields.put(key, new ArrayList<String>());
                currentList = key;
            } else if (value.equals("[]")) {
                fields.put(key, new ArrayList<String>());
                currentList = null;
            } else {
                fields.put(key, unquote(value));
                currentList = null;
            }
        }
        return new FrontMatter(fields, text.substring(end + 5));
    }

    public String string(String name, String key) {
        Object v = fields.get(key);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new CourseFormatException(name + ": front matter needs a non-empty '" + key + "'");
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String name, String key) {
        Object v = fields.get(key);
        if (!(v instanceof List<?>)) {
            throw new CourseFormatException(name + ": front matter needs a list '" + key + "'");
        }
        return List.copyOf((List<String>) v);
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && ((t.startsWith("\"") && t.endsWith("\"")) || (t.startsWith("'") && t.endsWith("'")))) {
            return t.substring(1, t.length() - 1).replace("\\\"", "\"");
        }
        return t;
    }
}
