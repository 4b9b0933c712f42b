package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The value rules of the query language, shared by every operator: Java {@code null} stands for
 * <em>undefined</em>, comparisons only relate primitives of the same type, and computed numbers
 * are normalised so that whole results print as integers. It does not know about rows or paths.
 */
final class Values {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Twin integers are limited to ±2^52; whole doubles up to 2^53 are exact, so print them as integers. */
    private static final double LARGEST_EXACT_INTEGER = 9_007_199_254_740_992d;

    private Values() {
    }

    static JsonNode bool(boolean value) {
        return BooleanNode.valueOf(value);
    }

    static JsonNode number(long value) {
        return value == (int) value ? JSON.numberNode((int) value) : JSON.numberNode(value);
    }

    /** A computed number; infinities and NaN have no JSON form, so they are undefined. */
    static JsonNode number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return null;
        }
        if (value == Math.rint(value) && Math.abs(value) <= LARGEST_EXACT_INTEGER) {
            return number((long) value);
        }
        return JSON.numberNode(value);
    }

    static boolean isTrue(JsonNode value) {
        return value != null && value.isBoolean() && value.booleanValue();
    }

    static boolean isPrimitive(JsonNode value) {
        return value != null && (value.isNumber() || value.isTextual() || value.isBoolean() || value.isNull());
    }

    /**
     * Equality of two values.
     *
     * @return TRUE or FALSE when both are primitives of the same type; null (undefined)
     *     otherwise
     */
    static Boolean equal(JsonNode left, JsonNode right) {
        if (left == null || right == null) {
            return null;
        }
        if (left.isNumber() && right.isNumber()) {
            return compareNumbers(left, right) == 0;
        }
        if (left.isTextual() && right.isTextual()) {
            return left.textValue().equals(right.textValue());
        }
        if (left.isBoolean() && right.isBoolean()) {
            return left.booleanValue() == right.booleanValue();
        }
        if (left.isNull() && right.isNull()) {
            return true;
        }
        return null;
    }

    /**
     * Ordering of two values: numbers numerically, strings ordinally.
     *
     * @return the comparison result, or null when the two cannot be ordered
     */
    static Integer order(JsonNode left, JsonNode right) {
        if (left == null || right == null) {
            return null;
        }
        if (left.isNumber() && right.isNumber()) {
            return compareNumbers(left, right);
        }
        if (left.isTextual() && right.isTextual()) {
            return Integer.signum(left.textValue().compareTo(right.textValue()));
        }
        return null;
    }

    static int compareNumbers(JsonNode left, JsonNode right) {
        if (left.isIntegralNumber() && right.isIntegralNumber()
                && left.canConvertToLong() && right.canConvertToLong()) {
            return Long.compare(left.longValue(), right.longValue());
        }
        double a = left.doubleValue();
        double b = right.doubleValue();
        // Not Double.compare: that would order -0.0 before 0.0.
        return a < b ? -1 : a > b ? 1 : 0;
    }
}
