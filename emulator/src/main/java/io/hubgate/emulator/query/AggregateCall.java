package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An aggregate as written in the SELECT list, e.g. {@code COUNT()} or {@code AVG(x)}. It has no
 * per-row value: {@link GroupedAggregation} feeds {@link #argument()} to an {@link Accumulator}.
 * The parser only allows it as a whole SELECT item.
 *
 * @param argument the argument, or null for {@code COUNT()}
 */
record AggregateCall(AggregateFunction function, Expression argument) implements Expression {

    @Override
    public JsonNode evaluate(QueryRow row) {
        throw new IllegalStateException("an aggregate has no per-row value; the parser must not let one reach evaluation");
    }

    /** What this aggregate consumes from a row: its argument's value, or a marker for COUNT(). */
    JsonNode input(QueryRow row) {
        return argument == null ? Values.bool(true) : argument.evaluate(row);
    }

    @Override
    public List<Expression> children() {
        return argument == null ? List.of() : List.of(argument);
    }

    @Override
    public Expression mapPaths(UnaryOperator<PropertyPath> mapping) {
        return argument == null ? this : new AggregateCall(function, argument.mapPaths(mapping));
    }
}
