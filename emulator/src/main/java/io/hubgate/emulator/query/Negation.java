package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.UnaryOperator;

/** Unary minus: numbers only, anything else is undefined. */
record Negation(Expression operand) implements Expression {

    @Override
    public JsonNode evaluate(QueryRow row) {
        JsonNode value = operand.evaluate(row);
        if (value == null || !value.isNumber()) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong() && value.longValue() != Long.MIN_VALUE) {
            return Values.number(-value.longValue());
        }
        return Values.number(-value.doubleValue());
    }

    @Override
    public List<Expression> children() {
        return List.of(operand);
    }

    @Override
    public Expression mapPaths(UnaryOperator<PropertyPath> mapping) {
        return new Negation(operand.mapPaths(mapping));
    }
}
