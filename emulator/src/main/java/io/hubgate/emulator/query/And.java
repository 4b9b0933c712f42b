package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Three-valued AND: false if either side is false, true if both are true, undefined otherwise
 * (a non-boolean operand counts as undefined).
 */
record And(Expression left, Expression right) implements Expression {

    @Override
    public JsonNode evaluate(QueryRow row) {
        JsonNode a = left.evaluate(row);
        if (isFalse(a)) {
            return Values.bool(false);
        }
        JsonNode b = right.evaluate(row);
        if (isFalse(b)) {
            return Values.bool(false);
        }
        return Values.isTrue(a) && Values.isTrue(b) ? Values.bool(true) : null;
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
        return new And(left.mapPaths(mapping), right.mapPaths(mapping));
    }
}
