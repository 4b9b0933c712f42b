package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A comparison. Equality relates primitives of the same type (null = null is true); ordering
 * relates two numbers or two strings. Every other combination is undefined, so it never matches
 * in a WHERE clause, whichever operator is used.
 */
record Comparison(ComparisonOperator operator, Expression left, Expression right) implements Expression {

    @Override
    public JsonNode evaluate(QueryRow row) {
        JsonNode a = left.evaluate(row);
        JsonNode b = right.evaluate(row);
        if (operator == ComparisonOperator.EQUAL || operator == ComparisonOperator.NOT_EQUAL) {
            Boolean equal = Values.equal(a, b);
            if (equal == null) {
                return null;
            }
            return Values.bool(equal == (operator == ComparisonOperator.EQUAL));
        }
        Integer order = Values.order(a, b);
        if (order == null) {
            return null;
        }
        return Values.bool(switch (operator) {
            case LESS -> order < 0;
            case LESS_OR_EQUAL -> order <= 0;
            case GREATER -> order > 0;
            default -> order >= 0;
        });
    }

    @Override
    public List<Expression> children() {
        return List.of(left, right);
    }

    @Override
    public Expression mapPaths(UnaryOperator<PropertyPath> mapping) {
        return new Comparison(operator, left.mapPaths(mapping), right.mapPaths(mapping));
    }
}
