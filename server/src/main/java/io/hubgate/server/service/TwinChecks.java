package io.hubgate.server.service;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * IoT Hub's twin rules checked before the call, so a mistake comes back as a field violation
 * naming the exact property: keys without '.', '$', spaces or control characters, at most 1 KB;
 * nesting at most 10 objects deep; strings at most 4 KB.
 *
 * <p>Sizes first, and cheaply: a section (tags 8 KB, desired 32 KB, counted as IoT Hub counts,
 * keys plus values, numbers 8 bytes, booleans 4, array elements at least their JSON text) is
 * measured in one pass that stops as soon as it passes the limit, before any per-key check or conversion, so a 4 MB request of 90,000 small
 * keys costs one short walk. What a request writes (every non-null value and the keys leading to
 * it) ends up in the twin, so more than the limit can never be applied; what it deletes (keys
 * with null) must exist to matter, so their keys cannot exceed the limit either. The merged
 * result's size is left to IoT Hub, which knows it.
 */
final class TwinChecks {

    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_STRING_BYTES = 4096;
    static final int MAX_DEPTH = 10;
    /** Property names longer than this are cut in field paths. */
    static final int MAX_SHOWN_KEY = 64;
    /** Section sizes, keys plus values (numbers 8 bytes, booleans 4), per IoT Hub's quotas. */
    static final int MAX_TAGS_BYTES = 8 * 1024;
    static final int MAX_DESIRED_BYTES = 32 * 1024;
    /** Violations reported per section: enough to fix a request, small enough for a status trailer. */
    static final int MAX_VIOLATIONS = 20;
    /** IoT Hub's integer range is ±(2^52 − 1). */
    static final double MAX_TWIN_INTEGER = 4_503_599_627_370_495d;

    private TwinChecks() {
    }

    /**
     * Checks a section named {@code …tags} (limit {@link #MAX_TAGS_BYTES}) or {@code …desired}
     * (limit {@link #MAX_DESIRED_BYTES}).
     */
    static void section(Validation validation, String field, Struct section) {
        section(validation, field, section, field.endsWith("tags") ? MAX_TAGS_BYTES : MAX_DESIRED_BYTES);
    }

    /** Checks a section against a size limit in bytes. */
    static void section(Validation validation, String field, Struct section, int limitBytes) {
        SectionSize size = new SectionSize(limitBytes);
        size.object(section);
        if (size.writes > limitBytes) {
            validation.add(field, field + " holds more than " + limitBytes + " bytes (keys and values; numbers count 8, "
                    + "booleans 4): IoT Hub's limit for " + field);
            return;
        }
        if (size.deletes > limitBytes) {
            validation.add(field, field + " deletes (sets to null) more than " + limitBytes
                    + " bytes of keys, more than IoT Hub's limit for " + field + " lets a twin hold");
            return;
        }
        object(validation, field, section, 0, validation.count() + MAX_VIOLATIONS);
    }

    /**
     * Measures a section the way IoT Hub counts it, stopping once either total passes the limit.
     * Keys of null values count as deletes; every other key and value counts as written.
     */
    private static final class SectionSize {
        private final int limit;
        long writes;
        long deletes;

        SectionSize(int limit) {
            this.limit = limit;
        }

        private boolean over() {
            return writes > limit || deletes > limit;
        }

        void object(Struct object) {
            for (Map.Entry<String, Value> field : object.getFieldsMap().entrySet()) {
                if (over()) {
                    return;
                }
                long key = utf8Length(field.getKey());
                if (field.getValue().getKindCase() == Value.KindCase.NULL_VALUE) {
                    deletes += key;
                } else {
                    writes += key;
                    value(field.getValue());
                }
            }
        }

        private void value(Value value) {
            switch (value.getKindCase()) {
                case STRUCT_VALUE -> object(value.getStructValue());
                case LIST_VALUE -> {
                    // Arrays (allowed since api 2019-10-01) are outside IoT Hub's older per-value
                    // rule; each element counts at least its JSON text (a separator, "null" 4,
                    // "{}" or "[]" 2, plus their content), so an array of empty elements (on the
                    // wire 4 bytes each) cannot pass as an empty section.
                    writes += 2;
                    for (Value element : value.getListValue().getValuesList()) {
                        if (over()) {
                            return;
                        }
                        writes += 1 + switch (element.getKindCase()) {
                            case NULL_VALUE -> 4;
                            case STRUCT_VALUE -> 2;
                            default -> 0; // a list counts its own brackets; other values their size
                        };
                        value(element);
                    }
                }
                case STRING_VALUE -> writes += utf8Length(value.getStringValue());
                case NUMBER_VALUE -> writes += 8;
                case BOOL_VALUE -> writes += 4;
                default -> { }
            }
        }
    }

    /** UTF-8 length without encoding (a lone surrogate counts 3, as the encoder's replacement would). */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** @param stopAt the violation count at which the walk stops reporting */
    private static void object(Validation validation, String path, Struct object, int depth, int stopAt) {
        if (depth > MAX_DEPTH) {
            validation.add(path, "twin objects nest at most " + MAX_DEPTH + " levels deep");
            return;
        }
        for (Map.Entry<String, Value> field : object.getFieldsMap().entrySet()) {
            if (validation.count() >= stopAt) {
                return;
            }
            String key = field.getKey();
            String childPath = child(path, key);
            String problem = keyProblem(key);
            if (problem != null) {
                validation.add(childPath, problem);
                continue;
            }
            value(validation, childPath, field.getValue(), depth, stopAt);
        }
    }

    private static void value(Validation validation, String path, Value value, int depth, int stopAt) {
        switch (value.getKindCase()) {
            case STRUCT_VALUE -> object(validation, path, value.getStructValue(), depth + 1, stopAt);
            case LIST_VALUE -> {
                int index = 0;
                for (Value element : value.getListValue().getValuesList()) {
                    if (validation.count() >= stopAt) {
                        return;
                    }
                    value(validation, path + "[" + index++ + "]", element, depth + 1, stopAt);
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
