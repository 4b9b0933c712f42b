package io.hubgate.emulator.faults;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One active fault: a {@link FaultSpec} with an id and the state of its firing, namely how many
 * requests a count rule still fires on and how often the rule has fired. It decides whether it
 * fires; what firing does to the request is {@link FaultInjector}'s job.
 *
 * <p>Thread-safe. A count rule fires exactly {@code count} times however many threads ask (the
 * remaining count is taken by compare-and-set). A seeded rate rule draws from its own generator
 * under a lock, so the same sequence of requests meets the same decisions; with concurrent
 * requests the draws are shared out in arrival order, which is not repeatable.
 */
public final class FaultRule {

    private final String id;
    private final FaultSpec spec;
    private final AtomicInteger remaining;
    private final AtomicLong fired = new AtomicLong();
    private final Random seeded;

    FaultRule(String id, FaultSpec spec) {
        this.id = id;
        this.spec = spec;
        this.remaining = spec.count() == null ? null : new AtomicInteger(spec.count());
        this.seeded = spec.seed() == null ? null : new Random(spec.seed());
    }

    public String id() {
        return id;
    }

    public FaultSpec spec() {
        return spec;
    }

    /** How often the rule has fired. */
    public long fired() {
        return fired.get();
    }

    /** Requests a count rule will still fire on; -1 for a rate rule. */
    public int remaining() {
        return remaining == null ? -1 : remaining.get();
    }

    /** A count rule that has fired {@code count} times is spent and is removed. */
    boolean spent() {
        return remaining != null && remaining.get() == 0;
    }

    /** Decides whether the rule fires on one matching request, and counts it if so. */
    boolean tryFire() {
        boolean fires = remaining != null ? takeOne() : draw() < spec.rate();
        if (fires) {
            fired.incrementAndGet();
        }
        return fires;
    }

    private boolean takeOne() {
        int left;
        do {
            left = remaining.get();
            if (left == 0) {
                return false;
            }
        } while (!remaining.compareAndSet(left, left - 1));
        return true;
    }

    /** A uniform draw in [0, 1): a rate of 1 always fires and a rate of 0 never does. */
    private double draw() {
        if (seeded == null) {
            return ThreadLocalRandom.current().nextDouble();
        }
        synchronized (seeded) {
            return seeded.nextDouble();
        }
    }

    /** The rule as the control routes show it: id, spec, remaining (count rules) and fired. */
    Map<String, Object> describe() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", id);
        fields.putAll(spec.describe());
        if (remaining != null) {
            fields.put("remaining", remaining.get());
        }
        fields.put("fired", fired.get());
        return fields;
    }
}
