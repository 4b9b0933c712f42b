package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The running state of one aggregate within one group. Not thread-safe: each query execution
 * creates its own.
 *
 * <p>SUM and AVG take numbers and ignore everything else. MIN and MAX take numbers and strings and
 * order numbers before strings (Cosmos DB's type order), so MIN prefers a number and MAX a string
 * when both kinds occur. An aggregate that saw no usable value is undefined, except COUNT, which
 * is 0.
 */
final class Accumulator {

    private final AggregateFunction function;
    private long count;
    private double sum;
    private JsonNode best;

    Accumulator(AggregateFunction function) {
        this.function = function;
    }

    void add(JsonNode value) {
        if (value == null) {
            return;
        }
        switch (function) {
            case COUNT -> count++;
            case SUM, AVG -> {
                if (value.isNumber()) {
                    count++;
                    sum += value.doubleValue();
                }
            }
            case MIN, MAX -> {
                if ((value.isNumber() || value.isTextual()) && beats(value)) {
                    best = value;
                }
            }
        }
    }

    private boolean beats(JsonNode candidate) {
        if (best == null) {
            return true;
        }
        int byType = Integer.compare(typeRank(candidate), typeRank(best));
        int comparison = byType != 0 ? byType : Values.order(candidate, best);
        return function == AggregateFunction.MIN ? comparison < 0 : comparison > 0;
    }

    private static int typeRank(JsonNode value) {
        return value.isNumber() ? 0 : 1;
    }

    /** The aggregate's value, or null (undefined) when it saw nothing to aggregate. */
    JsonNode result() {
        return switch (function) {
            case COUNT -> Values.number(count);
            case SUM -> count == 0 ? null : Values.number(sum);
            case AVG -> count == 0 ? null : Values.number(sum / count);
            case MIN, MAX -> best;
        };
    }
}
