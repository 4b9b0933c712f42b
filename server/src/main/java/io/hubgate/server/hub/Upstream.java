package io.hubgate.server.hub;

import io.hubgate.server.hub.rest.HubRest;

import java.time.Duration;

/**
 * What one attempt of an upstream call may use, already fitted to the time the caller's deadline
 * leaves it: the SDK clients whose read timeout fits ({@link #sdk()}), and the controlled path
 * with that time as its response timeout ({@link #rest()}). A handler picks the path per
 * operation; it never reads the deadline itself.
 *
 * <p>Which of the two it hands out is what the attempt's observation ({@link UpstreamAttempt})
 * records as its path. Made by {@link UpstreamCalls} for each attempt and used by that attempt.
 */
public final class Upstream {

    private final HubClients clients;
    private final Duration remaining;
    private final HubClients.SdkClients sdk;
    private final boolean callerDeadline;
    private final UpstreamAttempt observed;

    Upstream(HubClients clients, Duration remaining, boolean callerDeadline, UpstreamAttempt observed) {
        this.clients = clients;
        this.remaining = remaining;
        this.callerDeadline = callerDeadline;
        this.observed = observed;
        this.sdk = clients.within(remaining);
    }

    /** The official SDK's clients, with the longest read timeout that fits in what remains. */
    public HubClients.SdkClients sdk() {
        observed.usingSdk();
        return sdk;
    }

    /**
     * SDK clients whose read timeout covers {@code needed} even when that is more than remains: a
     * direct method must be allowed to wait for the device's own timeouts, which the caller's
     * deadline has already bounded.
     */
    public HubClients.SdkClients sdkCovering(Duration needed) {
        observed.usingSdk();
        return clients.covering(needed);
    }

    /** The controlled path (azure-core pipeline), each request timing out with what remains. */
    public HubRest rest() {
        observed.usingControlled();
        return clients.rest(remaining);
    }

    /** As {@link #sdkCovering}, for the controlled path: requests wait at least {@code needed}. */
    public HubRest restCovering(Duration needed) {
        observed.usingControlled();
        return clients.rest(needed.compareTo(remaining) > 0 ? needed : remaining);
    }

    /**
     * Whether {@link #remaining()} comes from the caller's own deadline, rather than the gateway's
     * budget for calls without one (a direct method's timeout is cut only to the caller's).
     */
    public boolean callerDeadline() {
        return callerDeadline;
    }

    /** The time this attempt has before the caller's deadline (or the gateway's budget). */
    public Duration remaining() {
        return remaining;
    }
}
