package io.hubgate.emulator.http;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many requests of each {@link Operation} the hub has received since it started (or was
 * reset): every request that matched a route, whether it then succeeded, was refused or was
 * faulted. It lets a test see what a client really sent, e.g. that a batch of 250 devices took
 * three bulk requests and not 250 single ones. Thread-safe; counting never blocks a request.
 */
public final class RequestCounts {

    private final Map<Operation, LongAdder> counts = new EnumMap<>(Operation.class);

    public RequestCounts() {
        for (Operation operation : Operation.values()) {
            counts.put(operation, new LongAdder());
        }
    }

    void record(Operation operation) {
        counts.get(operation).increment();
    }

    /** Requests of this operation received so far. */
    public long count(Operation operation) {
        return counts.get(operation).sum();
    }

    /** Every operation with at least one request, by its enum name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> nonZero = new java.util.TreeMap<>();
        counts.forEach((operation, count) -> {
            if (count.sum() > 0) {
                nonZero.put(operation.name(), count.sum());
            }
        });
        return nonZero;
    }

    /** Back to zero (the emulator's reset). */
    public void clear() {
        counts.values().forEach(LongAdder::reset);
    }
}
