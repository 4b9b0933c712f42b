package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * {@code + - * / %} on two numbers. Any non-number operand, a zero divisor or an overflow gives
 * undefined; {@code +} does not concatenate strings.
 */
record Arithmetic(ArithmeticOperator operator, Expression left, Expression right) implements Expression {

    @Override
    public JsonNode evaluate(QueryRow row) {
        JsonNode a = left.evaluate(row);
        if (a == null || !a.isNumber()) {
            return null;
        }
        JsonNode b = right.evaluate(row);
        if (b == null || !b.isNumber()) {
            return null;
        }
        return Values.number(operator.apply(a.doubleValue(), b.doubleValue()));
    }

    @Override
    public List<Expression> children() {
        return List.of(left, right);
    }

    @Override
    public Expression mapPaths(UnaryOperator<PropertyPath> mapping) {
        return new Arithmetic(operator, left.mapPaths(mapping), right.mapPaths(mapping));
    }
}
