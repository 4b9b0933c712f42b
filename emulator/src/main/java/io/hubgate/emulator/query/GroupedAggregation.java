package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes the complete result of an aggregate query: reads every matching row once, sorts it
 * into groups and returns one object per group, groups in order of first appearance in key order
 * (so the result, and therefore offset paging over it, is deterministic). It does not page.
 *
 * <p>Without GROUP BY there is exactly one group, even when no row matches, so
 * {@code SELECT COUNT() AS n} yields {@code {"n":0}}. Rows whose group value is undefined form their
 * own group, whose key is omitted from the result.
 */
final class GroupedAggregation {

    private GroupedAggregation() {
    }

    static List<JsonNode> compute(TwinQuery query, RowSource rows) {
        Map<List<Object>, Group> groups = new LinkedHashMap<>();
        for (QueryRow row : rows.rowsAfter(query.source(), null)) {
            if (query.where() != null && !Values.isTrue(query.where().evaluate(row))) {
                continue;
            }
            groups.computeIfAbsent(groupKey(query.groupBy(), row), key -> new Group(query.items(), row)).add(row);
        }
        if (groups.isEmpty() && query.groupBy().isEmpty()) {
            groups.put(List.of(), new Group(query.items(), null));
        }
        List<JsonNode> result = new ArrayList<>(groups.size());
        for (Group group : groups.values()) {
            result.add(group.toJson());
        }
        return result;
    }

    /**
     * Group identity. Numbers are keyed by value, not by node class, so 1 and 1.0 share a group;
     * Java null stands for undefined.
     */
    private static List<Object> groupKey(List<Expression> groupBy, QueryRow row) {
        List<Object> key = new ArrayList<>(groupBy.size());
        for (Expression expression : groupBy) {
            JsonNode value = expression.evaluate(row);
            key.add(value != null && value.isNumber() ? value.decimalValue().stripTrailingZeros() : value);
        }
        return key;
    }

    /** The accumulators of one group and the row that opened it. */
    private static final class Group {

        private final List<SelectItem> items;
        /** Supplies the group's own values: a grouped query may only select group expressions. */
        private final QueryRow firstRow;
        private final Accumulator[] accumulators;

        Group(List<SelectItem> items, QueryRow firstRow) {
            this.items = items;
            this.firstRow = firstRow;
            this.accumulators = new Accumulator[items.size()];
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).expression() instanceof AggregateCall call) {
                    accumulators[i] = new Accumulator(call.function());
                }
            }
        }

        void add(QueryRow row) {
            for (int i = 0; i < accumulators.length; i++) {
                if (accumulators[i] != null) {
                    accumulators[i].add(((AggregateCall) items.get(i).expression()).input(row));
                }
            }
        }

        ObjectNode toJson() {
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < items.size(); i++) {
                JsonNode value = accumulators[i] != null ? accumulators[i].result()
                        : firstRow == null ? null : items.get(i).expression().evaluate(firstRow);
                if (value != null) {
                    json.set(items.get(i).outputName(), value);
                }
            }
            return json;
        }
    }
}
