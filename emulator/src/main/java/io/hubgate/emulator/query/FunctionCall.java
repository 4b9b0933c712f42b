package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** A call of a per-row function; the parser has already checked the argument count. */
record FunctionCall(ScalarFunction function, List<Expression> arguments) implements Expression {

    FunctionCall {
        arguments = List.copyOf(arguments);
    }

    @Override
    public JsonNode evaluate(QueryRow row) {
        // ArrayList, not List.of: undefined arguments are nulls.
        List<JsonNode> values = new ArrayList<>(arguments.size());
        for (Expression argument : arguments) {
            values.add(argument.evaluate(row));
        }
        return function.apply(values);
    }

    @Override
    public List<Expression> children() {
        return arguments;
    }

    @Override
    public Expression mapPaths(UnaryOperator<PropertyPath> mapping) {
        return new FunctionCall(function, Expression.mapAll(arguments, mapping));
    }
}
