package io.hubgate.emulator.twin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubgate.emulator.http.HubException;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * IoT Hub's rules for twin documents (tags, desired, reported): key syntax, value types and
 * ranges, nesting depth and document size. Every violation is a 400 / 400004 ArgumentInvalid that
 * names the offending path, so a client can find its mistake without guessing.
 */
public final class TwinRules {

    /** Keys are at most 1 KB of UTF-8. */
    public static final int MAX_KEY_BYTES = 1024;
    /** String values are at most 4 KB of UTF-8. */
    public static final int MAX_STRING_BYTES = 4096;
    /**
     * Objects nest at most 10 levels below a section root: the service documents
     * {@code tags.one.two…ten.property} (ten nested objects, eleven levels of keys) as valid.
     */
    public static final int MAX_DEPTH = 10;
    /** Size limits in bytes, counted the way the service counts (keys + values; numbers 8, booleans 4). */
    public static final int MAX_TAGS_BYTES = 8 * 1024;
    public static final int MAX_DESIRED_BYTES = 32 * 1024;
    public static final int MAX_REPORTED_BYTES = 32 * 1024;
    /** Integers must fit a double exactly: ±(2^52 - 1). */
    private static final BigDecimal MAX_INTEGER = BigDecimal.valueOf(4503599627370495L);
    private static final BigDecimal MIN_INTEGER = BigDecimal.valueOf(-4503599627370496L);
    /** Decimal digits before the point beyond which a number cannot be a finite double (1.8e308). */
    private static final int MAX_DOUBLE_EXPONENT = 309;

    private TwinRules() {
    }

    /**
     * Checks the keys and values of a section (or a patch of one) before it is applied.
     *
     * @param section  "tags", "properties.desired" or "properties.reported", for messages
     * @param document an object; nulls inside are allowed (they delete in a patch)
     */
    public static void validateSection(String section, JsonNode document) {
        if (document == null || document.isNull()) {
            return;
        }
        if (!document.isObject()) {
            throw HubException.argumentInvalid(section + " must be a JSON object, not " + document.getNodeType());
        }
        validateObject(section, document, 0);
    }

    /** Checks a section's size after a change; {@code limit} is one of the MAX_*_BYTES constants. */
    public static void validateSize(String section, JsonNode document, int limit) {
        long size = sizeOf(document);
        if (size > limit) {
            throw HubException.argumentInvalid(section + " would be " + size + " bytes; the limit is " + limit
                    + " bytes (keys and values, numbers count 8, booleans 4)");
        }
    }

    static long sizeOf(JsonNode node) {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (node.isObject()) {
            long total = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().startsWith("$")) {
                    continue; // $version and $metadata are not counted
                }
                total += utf8Length(field.getKey()) + sizeOf(field.getValue());
            }
            return total;
        }
        if (node.isArray()) {
            long total = 0;
            for (JsonNode element : node) {
                total += sizeOf(element);
            }
            return total;
        }
        if (node.isTextual()) {
            return utf8Length(node.textValue());
        }
        if (node.isNumber()) {
            return 8;
        }
        if (node.isBoolean()) {
            return 4;
        }
        return 0;
    }

    private static void validateObject(String path, JsonNode object, int depth) {
        if (depth > MAX_DEPTH) {
            throw HubException.argumentInvalid("'" + path + "' nests deeper than " + MAX_DEPTH + " levels");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String childPath = path + "." + field.getKey();
            validateKey(path, field.getKey());
            validateValue(childPath, field.getValue(), depth);
        }
    }

    private static void validateValue(String path, JsonNode value, int depth) {
        if (value.isObject()) {
            validateObject(path, value, depth + 1);
        } else if (value.isArray()) {
            if (depth + 1 > MAX_DEPTH) {
                throw HubException.argumentInvalid("'" + path + "' nests deeper than " + MAX_DEPTH + " levels");
            }
            int index = 0;
            for (JsonNode element : value) {
                validateValue(path + "[" + index++ + "]", element, depth + 1);
            }
        } else if (value.isTextual()) {
            if (utf8Length(value.textValue()) > MAX_STRING_BYTES) {
                throw HubException.argumentInvalid("'" + path + "' is longer than " + MAX_STRING_BYTES + " bytes");
            }
        } else if (value.isNumber()) {
            validateNumber(path, value);
        }
    }

    /**
     * Integers must lie within ±2⁵², other numbers must be finite doubles. Works on the exact
     * decimal without ever expanding it: a value such as {@code 1e100000000} would take minutes
     * to turn into a BigInteger.
     */
    private static void validateNumber(String path, JsonNode value) {
        BigDecimal decimal = value.decimalValue();
        boolean integral = value.isIntegralNumber() || decimal.signum() == 0 || decimal.stripTrailingZeros().scale() <= 0;
        if (integral) {
            if (decimal.compareTo(MAX_INTEGER) > 0 || decimal.compareTo(MIN_INTEGER) < 0) {
                throw HubException.argumentInvalid("'" + path + "' is outside the integer range "
                        + MIN_INTEGER + " to " + MAX_INTEGER);
            }
        } else if (decimal.precision() - decimal.scale() > MAX_DOUBLE_EXPONENT || !Double.isFinite(decimal.doubleValue())) {
            throw HubException.argumentInvalid("'" + path + "' is too large to be a double-precision number");
        }
    }

    /** Key rules: not empty, at most 1 KB, and none of '.', '$', ' ' or control characters. */
    public static void validateKey(String parentPath, String key) {
        if (key.isEmpty()) {
            throw HubException.argumentInvalid("'" + parentPath + "' has an empty property name");
        }
        if (utf8Length(key) > MAX_KEY_BYTES) {
            throw HubException.argumentInvalid("a property name in '" + parentPath + "' is longer than "
                    + MAX_KEY_BYTES + " bytes");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.' || c == '$' || c == ' ' || c <= 0x1F || (c >= 0x7F && c <= 0x9F)) {
                throw HubException.argumentInvalid("property name '" + printable(key) + "' in '" + parentPath
                        + "' contains " + describe(c) + "; names may not contain '.', '$', spaces or control characters");
            }
        }
    }

    private static String describe(char c) {
        if (c == '.' || c == '$') {
            return "'" + c + "'";
        }
        if (c == ' ') {
            return "a space";
        }
        return String.format("the control character U+%04X", (int) c);
    }

    private static String printable(String key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < key.length() && i < 64; i++) {
            char c = key.charAt(i);
            out.append(c <= 0x1F || (c >= 0x7F && c <= 0x9F) ? String.format("\\u%04X", (int) c) : String.valueOf(c));
        }
        return key.length() > 64 ? out + "…" : out.toString();
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
