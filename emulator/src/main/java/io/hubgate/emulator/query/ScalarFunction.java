package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * The per-row functions IoT Hub accepts in twin queries. Routing-only functions (IS_NULL,
 * CONTAINS, LOWER, ...) are deliberately absent: their support in twin queries is unverified.
 */
enum ScalarFunction {
    IS_DEFINED(1),
    STARTSWITH(2),
    ENDSWITH(2);

    private final int arity;

    ScalarFunction(int arity) {
        this.arity = arity;
    }

    int arity() {
        return arity;
    }

    /** The function with this name (case-insensitive), or null. */
    static ScalarFunction named(String name) {
        for (ScalarFunction function : values()) {
            if (function.name().equals(name.toUpperCase(Locale.ROOT))) {
                return function;
            }
        }
        return null;
    }

    JsonNode apply(List<JsonNode> arguments) {
        return switch (this) {
            // True even for a JSON null: only a missing property is undefined.
            case IS_DEFINED -> Values.bool(arguments.get(0) != null);
            case STARTSWITH -> bothStrings(arguments)
                    ? Values.bool(arguments.get(0).textValue().startsWith(arguments.get(1).textValue())) : null;
            case ENDSWITH -> bothStrings(arguments)
                    ? Values.bool(arguments.get(0).textValue().endsWith(arguments.get(1).textValue())) : null;
        };
    }

    private static boolean bothStrings(List<JsonNode> arguments) {
        return arguments.get(0) != null && arguments.get(0).isTextual()
                && arguments.get(1) != null && arguments.get(1).isTextual();
    }
}
