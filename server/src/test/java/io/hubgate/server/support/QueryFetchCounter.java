package io.hubgate.server.support;

import io.hubgate.emulator.faults.FaultInjector;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultRule;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.OperationClass;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * Counts the query requests ({@code POST /devices/query}) the emulator receives, so a test can see
 * how many upstream pages the gateway fetched. It is a latency fault rule on the query class that
 * fires on every request: its "fired" count is the request count, and its latency (0 for none)
 * can slow each page down, so that a stream is still running when a test acts on it.
 *
 * <p>It must be the only fault rule on queries while it counts (the first matching rule is the
 * one that fires). Close it to remove the rule.
 */
public final class QueryFetchCounter implements AutoCloseable {

    /** How often {@link #awaitSteady} looks at the count. */
    private static final Duration POLL = Duration.ofMillis(100);

    private final FaultInjector faults;
    private final FaultRule rule;

    private QueryFetchCounter(FaultInjector faults, FaultRule rule) {
        this.faults = faults;
        this.rule = rule;
    }

    /** Starts counting; every query request is held for {@code latency} first. */
    public static QueryFetchCounter install(FaultInjector faults, Duration latency) {
        return new QueryFetchCounter(faults, faults.add(new FaultSpec(OperationClass.QUERY, FaultKind.LATENCY,
                latency.toMillis(), null, null, 1.0, null, null)));
    }

    /** Query requests received since {@link #install}. */
    public long count() {
        return rule.fired();
    }

    /**
     * Waits until the count has not changed for {@code quiet}, and returns it; gives up after
     * {@code atMost} (something keeps fetching).
     */
    public long awaitSteady(Duration quiet, Duration atMost) {
        AtomicLong previous = new AtomicLong(-1);
        return await("the query count to stay unchanged for " + quiet).atMost(atMost).during(quiet).pollInterval(POLL)
                .until(this::count, now -> previous.getAndSet(now) == now);
    }

    @Override
    public void close() {
        faults.remove(rule.id());
    }
}
