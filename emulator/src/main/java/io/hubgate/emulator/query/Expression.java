package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A node of a parsed query expression. Nodes are immutable records, built once by the parser and
 * evaluated against many rows; evaluation never throws and never re-parses.
 */
sealed interface Expression
        permits Literal, PropertyPath, Negation, Not, Arithmetic, Comparison, And, Or, Membership,
                FunctionCall, AggregateCall {

    /**
     * Evaluates this expression against one row.
     *
     * @return the value, or Java null for <em>undefined</em>
     */
    JsonNode evaluate(QueryRow row);

    /** The direct sub-expressions, for checks that walk the tree. */
    List<Expression> children();

    /** A copy with every property path replaced; used to strip {@code devices.} qualifiers. */
    Expression mapPaths(UnaryOperator<PropertyPath> mapping);

    default boolean containsAggregate() {
        if (this instanceof AggregateCall) {
            return true;
        }
        for (Expression child : children()) {
            if (child.containsAggregate()) {
                return true;
            }
        }
        return false;
    }

    static List<Expression> mapAll(List<Expression> expressions, UnaryOperator<PropertyPath> mapping) {
        return expressions.stream().map(e -> e.mapPaths(mapping)).toList();
    }
}
