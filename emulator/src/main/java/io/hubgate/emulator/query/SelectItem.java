package io.hubgate.emulator.query;

/**
 * One item of a SELECT list with the key it gets in the result object.
 *
 * @param expression what to compute; an {@link AggregateCall} for an aggregate item
 * @param outputName the alias, the path's last segment, or {@code $n} by position
 */
record SelectItem(Expression expression, String outputName) {

    boolean isAggregate() {
        return expression instanceof AggregateCall;
    }
}
