package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.UnaryOperator;

/** A constant: string, number, boolean, null, or (with a null value) {@code undefined}. */
record Literal(JsonNode value) implements Expression {

    @Override
    public JsonNode evaluate(QueryRow row) {
        return value;
    }

    @Override
    public List<Expression> children() {
        return List.of();
    }

    @Override
    public Expression mapPaths(UnaryOperator<PropertyPath> mapping) {
        return this;
    }
}
