package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * A dotted property path such as {@code properties.reported.temp}, segments as written. The row
 * resolves it, so case rules for the root property live in the store, not here.
 */
record PropertyPath(List<String> segments) implements Expression {

    PropertyPath {
        segments = List.copyOf(segments);
    }

    @Override
    public JsonNode evaluate(QueryRow row) {
        return row.resolve(segments);
    }

    @Override
    public List<Expression> children() {
        return List.of();
    }

    @Override
    public Expression mapPaths(UnaryOperator<PropertyPath> mapping) {
        return mapping.apply(this);
    }

    /**
     * The output key of this path in a projection: the last segment; a lone root name gets a
     * lower-case first letter because that is how twins spell root properties ({@code DeviceId}
     * comes back as {@code deviceId} in the docs' example).
     */
    String outputName() {
        String last = segments.get(segments.size() - 1);
        if (segments.size() > 1 || last.isEmpty()) {
            return last;
        }
        return last.substring(0, 1).toLowerCase(Locale.ROOT) + last.substring(1);
    }

    /**
     * Removes the optional {@code devices.} / {@code devices.modules.} / {@code devices.jobs.}
     * qualifier, which names the collection rather than a property of its documents.
     */
    PropertyPath withoutQualifier(QuerySource source) {
        int skip = 0;
        if (segments.size() > 1 && segments.get(0).equalsIgnoreCase("devices")) {
            skip = 1;
            String child = source == QuerySource.MODULES ? "modules" : source == QuerySource.JOBS ? "jobs" : null;
            if (child != null && segments.size() > 2 && segments.get(1).equalsIgnoreCase(child)) {
                skip = 2;
            }
        }
        return skip == 0 ? this : new PropertyPath(segments.subList(skip, segments.size()));
    }
}
