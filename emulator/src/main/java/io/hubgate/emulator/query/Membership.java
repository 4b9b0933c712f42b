package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * {@code x IN [a, b]} and {@code x NIN [a, b]}. An undefined or non-primitive subject gives
 * undefined; otherwise IN is true when some candidate is equal (same type and value) and NIN is
 * its negation.
 */
record Membership(Expression subject, List<Expression> candidates, boolean negated) implements Expression {

    Membership {
        candidates = List.copyOf(candidates);
    }

    @Override
    public JsonNode evaluate(QueryRow row) {
        JsonNode value = subject.evaluate(row);
        if (!Values.isPrimitive(value)) {
            return null;
        }
        boolean found = false;
        for (Expression candidate : candidates) {
            if (Boolean.TRUE.equals(Values.equal(value, candidate.evaluate(row)))) {
                found = true;
                break;
            }
        }
        return Values.bool(found != negated);
    }

    @Override
    public List<Expression> children() {
        List<Expression> all = new ArrayList<>(candidates.size() + 1);
        all.add(subject);
        all.addAll(candidates);
        return all;
    }

    @Override
    public Expression mapPaths(UnaryOperator<PropertyPath> mapping) {
        return new Membership(subject.mapPaths(mapping), Expression.mapAll(candidates, mapping), negated);
    }
}
