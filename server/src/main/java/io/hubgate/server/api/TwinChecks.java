package io.hubgate.server.api;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * IoT Hub's twin rules checked before the call, so a mistake comes back as a field violation
 * naming the exact property: keys without '.', '$', spaces or control characters, at most 1 KB;
 * nesting at most 10 objects deep; strings at most 4 KB. (Size limits of the whole document are
 * left to IoT Hub, which knows the merged result.)
 */
final class TwinChecks {

    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_STRING_BYTES = 4096;
    static final int MAX_DEPTH = 10;
    /** Property names longer than this are cut in field paths. */
    static final int MAX_SHOWN_KEY = 64;
    /** IoT Hub's integer range is ±(2^52 − 1). */
    static final double MAX_TWIN_INTEGER = 4_503_599_627_370_495d;

    private TwinChecks() {
    }

    static void section(Validation validation, String field, Struct section) {
        object(validation, field, section, 0);
    }

    private static void object(Validation validation, String path, Struct object, int depth) {
        if (depth > MAX_DEPTH) {
            validation.add(path, "twin objects nest at most " + MAX_DEPTH + " levels deep");
            return;
        }
        for (Map.Entry<String, Value> field : object.getFieldsMap().entrySet()) {
            String key = field.getKey();
            String childPath = child(path, key);
            String problem = keyProblem(key);
            if (problem != null) {
                validation.add(childPath, problem);
                continue;
            }
            value(validation, childPath, field.getValue(), depth);
        }
    }

    private static void value(Validation validation, String path, Value value, int depth) {
        switch (value.getKindCase()) {
            case STRUCT_VALUE -> object(validation, path, value.getStructValue(), depth + 1);
            case LIST_VALUE -> {
                int index = 0;
                for (Value element : value.getListValue().getValuesList()) {
                    value(validation, path + "[" + index++ + "]", element, depth + 1);
                }
            }
            case STRING_VALUE -> {
                if (value.getStringValue().getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
                    validation.add(path, "string values are at most " + MAX_STRING_BYTES + " bytes");
                }
            }
            case NUMBER_VALUE -> {
                double number = value.getNumberValue();
                if (!Double.isFinite(number)) {
                    validation.add(path, "numbers must be finite");
                } else if (number == Math.rint(number) && Math.abs(number) > MAX_TWIN_INTEGER) {
                    validation.add(path, "whole numbers in twins lie within ±" + (long) MAX_TWIN_INTEGER + " (IoT Hub's range)");
                }
            }
            default -> { }
        }
    }

    /**
     * The path of property {@code key} under {@code path}: {@code path.key}, or {@code path["key"]}
     * with the name escaped and cut at {@value #MAX_SHOWN_KEY} characters when it holds control
     * characters, quotes, brackets or backslashes or is that long, so a hostile name cannot
     * garble the path, a message or a log.
     */
    static String child(String path, String key) {
        boolean plain = !key.isEmpty() && key.length() <= MAX_SHOWN_KEY;
        for (int i = 0; i < key.length() && plain; i++) {
            char c = key.charAt(i);
            plain = c >= 0x20 && !(c >= 0x7F && c <= 0x9F) && c != '"' && c != '\\' && c != '[' && c != ']';
        }
        if (plain) {
            return path + "." + key;
        }
        StringBuilder quoted = new StringBuilder(path).append("[\"");
        int shown = Math.min(key.length(), MAX_SHOWN_KEY);
        for (int i = 0; i < shown; i++) {
            char c = key.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                quoted.append(String.format("\\u%04X", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append(key.length() > shown ? "…" : "").append("\"]").toString();
    }

    static String keyProblem(String key) {
        if (key.isEmpty()) {
            return "property names cannot be empty";
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            return "property names are at most " + MAX_KEY_BYTES + " bytes";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.' || c == '$' || c == ' ' || c <= 0x1F || (c >= 0x7F && c <= 0x9F)) {
                return "property names may not contain '.', '$', spaces or control characters";
            }
        }
        return null;
    }
}
