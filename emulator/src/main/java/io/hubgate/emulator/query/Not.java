package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.UnaryOperator;

/** Logical NOT: negates a boolean; NOT of anything else (including undefined) is undefined. */
record Not(Expression operand) implements Expression {

    @Override
    public JsonNode evaluate(QueryRow row) {
        JsonNode value = operand.evaluate(row);
        return value != null && value.isBoolean() ? Values.bool(!value.booleanValue()) : null;
    }

    @Override
    public List<Expression> children() {
        return List.of(operand);
    }

    @Override
    public Expression mapPaths(UnaryOperator<PropertyPath> mapping) {
        return new Not(operand.mapPaths(mapping));
    }
}
