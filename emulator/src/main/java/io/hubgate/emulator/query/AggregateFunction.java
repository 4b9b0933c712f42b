package io.hubgate.emulator.query;

import java.util.Locale;

/** The aggregate functions allowed as SELECT items. */
enum AggregateFunction {
    COUNT,
    SUM,
    AVG,
    MIN,
    MAX;

    /** The aggregate with this name (case-insensitive), or null. */
    static AggregateFunction named(String name) {
        for (AggregateFunction function : values()) {
            if (function.name().equals(name.toUpperCase(Locale.ROOT))) {
                return function;
            }
        }
        return null;
    }

    /** COUNT() counts rows and COUNT(x) rows where x is defined; the others need their argument. */
    boolean acceptsArgumentCount(int count) {
        return this == COUNT ? count <= 1 : count == 1;
    }
}
