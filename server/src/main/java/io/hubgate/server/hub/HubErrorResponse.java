package io.hubgate.server.hub;

import java.time.Duration;

/**
 * An error answer from IoT Hub on the controlled path ({@link io.hubgate.server.hub.rest}): the
 * HTTP status, IoT Hub's six-digit code when the body carries one, its message and, when the hub
 * sent one, its {@code Retry-After}. The SDK's {@code IotHubException} cannot carry the header,
 * which is why the controlled path has its own type. It is an answer, so the hub did receive the
 * request: never an {@link java.io.IOException}.
 */
public final class HubErrorResponse extends Exception {

    private final int httpStatus;
    private final int errorCode;
    private final transient Duration retryAfter;

    /**
     * @param errorCode  IoT Hub's six-digit code, or {@code httpStatus} when the body has none
     * @param retryAfter the hub's {@code Retry-After}, or null
     */
    public HubErrorResponse(int httpStatus, int errorCode, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    /** The hub's {@code Retry-After}, or null when it sent none. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
