package io.hubgate.emulator.faults;

import java.util.Locale;

/** What an injected fault does to a request it fires on. */
public enum FaultKind {
    /** Wait, then let the request proceed (it may still meet a quota). */
    LATENCY,
    /** Refuse with 429 / 429001 ThrottlingException (or 429002), optionally with {@code Retry-After}. */
    THROTTLE,
    /** Refuse with 500 / 500001 ServerError or 503 / 503001 ServiceUnavailable. */
    ERROR,
    /**
     * Close the connection without answering. The JDK's HTTP clients (HttpURLConnection, under
     * the IoT service SDK; java.net.http for idempotent methods) resend a request once when the
     * connection closes before a status line, as they would after a real network drop: a client
     * only sees the failure (an {@code IOException}) when the resent request is dropped too, so
     * use a count of 2 per call, or a rate.
     */
    DROP,
    /**
     * Let the request be handled (the device is created, the method reaches the device …), then
     * close the connection instead of answering: what a client sees when the network fails after
     * IoT Hub acted. Unlike {@link #DROP}, a client that resends on its own (HttpURLConnection
     * does for PUT and DELETE, and for POST unless {@code sun.net.http.retryPost=false}) makes
     * the operation happen twice, which is the failure this fault exists to expose.
     *
     * <p>With {@code latencyMs}, the order is reversed: the connection closes at once and the
     * request is handled {@code latencyMs} later, as when a connection to a hub that is still
     * working on the request is reset. A client that reads the hub meanwhile sees the old state,
     * and a resend can meet the change the first copy makes later.
     */
    DROP_AFTER;

    /** The name used in control-route JSON: {@code latency}, {@code throttle}, {@code dropAfter} … */
    public String jsonName() {
        return this == DROP_AFTER ? "dropAfter" : name().toLowerCase(Locale.ROOT);
    }

    /** Null when the text names no kind. */
    static FaultKind parse(String text) {
        for (FaultKind kind : values()) {
            if (kind.jsonName().equals(text)) {
                return kind;
            }
        }
        return null;
    }
}
