package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Three-valued OR: true if either side is true, false if both are false, undefined otherwise
 * (a non-boolean operand counts as undefined).
 */
record Or(Expression left, Expression right) implements Expression {

    @Override
    public JsonNode evaluate(QueryRow row) {
        JsonNode a = left.evaluate(row);
        if (Values.isTrue(a)) {
            return Values.bool(true);
        }
        JsonNode b = right.evaluate(row);
        if (Values.isTrue(b)) {
            return Values.bool(true);
        }
        return isFalse(a) && isFalse(b) ? Values.bool(false) : null;
    }

    private static boolean isFalse(JsonNode value) {
        return value != null && value.isBoolean() && !value.booleanValue();
    }

    @Override
    public List<Expression> children() {
        return List.of(left, right);
    }

    @Override
    public Expression mapPaths(UnaryOperator<PropertyPath> mapping) {
        return new Or(left.mapPaths(mapping), right.mapPaths(mapping));
    }
}
