package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Builds the result object of a non-aggregate SELECT list for one row, reading through
 * {@link QueryRow#resolve} so the twin's JSON is never built. Undefined values are left out.
 */
final class Projection {

    private Projection() {
    }

    static ObjectNode of(List<SelectItem> items, QueryRow row) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        for (SelectItem item : items) {
            JsonNode value = item.expression().evaluate(row);
            if (value != null) {
                result.set(item.outputName(), value);
            }
        }
        return result;
    }
}
