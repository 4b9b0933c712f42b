package io.hubgate.server.hub;

import io.grpc.Deadline;
import io.hubgate.server.hub.rest.HubRest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What one attempt of an upstream call may use, fitted to the time the caller's deadline leaves
 * it: the SDK clients whose read timeout fits ({@link #sdk()}), and the controlled path, each of
 * whose requests times out with the time left when it is sent ({@link #rest()}). A handler picks the path per
 * operation; it never reads the deadline itself.
 *
 * <p>Which of the two it hands out is what the attempt's observation ({@link UpstreamAttempt})
 * records as its path. Made by {@link UpstreamCalls} for each attempt and used by that attempt.
 */
public final class Upstream {

    private final HubClients clients;
    private final Deadline deadline;
    private final boolean callerDeadline;
    private final boolean earlierMayApply;
    private final UpstreamAttempt observed;

    /**
     * @param earlierMayApply an earlier attempt lost its answer and may still take effect (what a
     *                        DEADLINE_EXCEEDED before the next request says)
     */
    Upstream(HubClients clients, Deadline deadline, boolean callerDeadline, boolean earlierMayApply,
             UpstreamAttempt observed) {
        this.clients = clients;
        this.deadline = deadline;
        this.callerDeadline = callerDeadline;
        this.earlierMayApply = earlierMayApply;
        this.observed = observed;
    }

    /**
     * The official SDK's clients, with the longest read timeout that fits in what remains now
     * (see {@link HubClients#within} for what "fits" can mean below a second).
     *
     * @throws io.grpc.StatusRuntimeException DEADLINE_EXCEEDED when the deadline has already passed
     */
    public HubClients.SdkClients sdk() {
        Duration left = left();
        observed.usingSdk();
        return clients.within(left);
    }

    /**
     * SDK clients whose read timeout covers {@code needed} even when that is more than remains: a
     * direct method must be allowed to wait for the device's own timeouts, which the caller's
     * deadline has already bounded.
     */
    public HubClients.SdkClients sdkCovering(Duration needed) {
        left();
        observed.usingSdk();
        return clients.covering(needed);
    }

    /**
     * The controlled path (azure-core pipeline): each request times out with what remains when it
     * is sent, and none is sent once the deadline has passed.
     */
    public HubRest rest() {
        observed.usingControlled();
        return clients.rest(deadline, Duration.ZERO, earlierMayApply);
    }

    /** As {@link #sdkCovering}, for the controlled path: requests wait at least {@code needed}. */
    public HubRest restCovering(Duration needed) {
        observed.usingControlled();
        return clients.rest(deadline, needed, earlierMayApply);
    }

    /**
     * Whether {@link #remaining()} comes from the caller's own deadline, rather than the gateway's
     * budget for calls without one (a direct method's timeout is cut only to the caller's).
     */
    public boolean callerDeadline() {
        return callerDeadline;
    }

    /** The time this attempt has, now, before the caller's deadline (or the gateway's budget); never negative. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS)));
    }

    /** What remains; DEADLINE_EXCEEDED instead of an upstream call once nothing does. */
    private Duration left() {
        Duration left = remaining();
        if (left.isZero()) {
            throw HubErrorMapper.deadlinePassed(earlierMayApply);
        }
        return left;
    }
}
