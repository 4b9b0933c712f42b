package io.hubgate.emulator.faults;

import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.OperationClass;

import java.util.EnumMap;
import java.util.Map;

/**
 * Enforces one tier's throttles: a {@link TokenBucket} per metered operation class, so a client
 * is refused with 429 / 429001 where a real hub of that tier and size would refuse it.
 *
 * <p><b>Simplification.</b> The service shapes traffic: requests over the limit are queued for a
 * while and only rejected when the backlog is full or too old (429002 / 429003). This quota does
 * not queue: a request that finds its bucket empty is refused at once, with a {@code Retry-After}
 * of the whole seconds until its tokens are back. A client therefore sees throttling a little
 * earlier and never sees the added latency of a queue. Buckets start full.
 *
 * <p>A direct method takes one token per started 4 KB of request body (at least one); a body
 * larger than the bucket takes the whole bucket instead of waiting forever. Registry operations,
 * twin reads and updates and queries take one token each. The token endpoint and the control
 * surface are not metered. Thread-safe: the buckets are, and the map is never changed.
 */
public final class TierQuota {

    private static final double NANOS_PER_SECOND = 1_000_000_000d;

    private final HubTier tier;
    private final int units;
    private final Map<OperationClass, HubTier.Limit> limits;
    private final Map<OperationClass, TokenBucket> buckets = new EnumMap<>(OperationClass.class);

    public TierQuota(HubTier tier, int units, Ticker ticker) {
        this.tier = tier;
        this.units = units;
        this.limits = tier.limits(units);
        limits.forEach((operationClass, limit) ->
                buckets.put(operationClass, new TokenBucket(limit.tokens(), limit.tokens(), limit.period(), ticker)));
    }

    public HubTier tier() {
        return tier;
    }

    public int units() {
        return units;
    }

    public Map<OperationClass, HubTier.Limit> limits() {
        return limits;
    }

    /**
     * Takes what the request costs from its class's bucket.
     *
     * @param bodyBytes the request body's length, which meters direct methods
     * @throws HubException 429 / 429001 naming the tier and the limit, with {@code Retry-After}
     */
    public void admit(OperationClass operationClass, int bodyBytes) {
        TokenBucket bucket = buckets.get(operationClass);
        if (bucket == null || operationClass == OperationClass.JOB_DEVICES) {
            return;
        }
        double cost = operationClass == OperationClass.METHODS
                ? Math.min(bucket.capacity(), methodChunks(bodyBytes)) : 1;
        long waitNanos = bucket.tryTake(cost);
        if (waitNanos == 0) {
            return;
        }
        long retryAfterSeconds = Math.max(1, (long) Math.ceil(waitNanos / NANOS_PER_SECOND));
        throw new HubException(HubErrorCode.THROTTLING_EXCEPTION,
                "Throttled: IoT Hub tier " + tier + " with " + units + (units == 1 ? " unit" : " units")
                        + " allows " + limits.get(operationClass).description(),
                Map.of("tier", tier.name(), "units", Integer.toString(units)),
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    /**
     * Paces a running job: takes one job-device operation if the tier allows one now. A job is
     * the hub's own work, which the service shapes rather than refuses.
     *
     * @return 0 when the operation may start; otherwise the nanoseconds to wait before asking again
     */
    public long jobDevicePace() {
        TokenBucket bucket = buckets.get(OperationClass.JOB_DEVICES);
        return bucket == null ? 0 : bucket.tryTake(1);
    }

    /** Started 4 KB chunks of a direct-method request body, at least one. */
    static int methodChunks(int bodyBytes) {
        return Math.max(1, (bodyBytes + HubTier.METHOD_METER_BYTES - 1) / HubTier.METHOD_METER_BYTES);
    }
}
