package io.hubgate.emulator.http;

import java.util.Map;

/**
 * A request the hub refuses, with the IoT Hub error code it is refused with. Thrown anywhere below
 * the dispatcher and turned into an error response in one place ({@link ErrorResponses}).
 * The message is shown to the client, so it never contains a key or a token.
 */
public final class HubException extends RuntimeException {

    private final HubErrorCode errorCode;
    private final Map<String, String> info;
    private final Map<String, String> headers;

    public HubException(HubErrorCode errorCode, String message) {
        this(errorCode, message, Map.of());
    }

    public HubException(HubErrorCode errorCode, String message, Map<String, String> info) {
        this(errorCode, message, info, Map.of());
    }

    /** @param headers extra response headers, e.g. {@code Retry-After} on a throttled request */
    public HubException(HubErrorCode errorCode, String message, Map<String, String> info, Map<String, String> headers) {
        super(message, null, false, false);
        this.errorCode = errorCode;
        this.info = Map.copyOf(info);
        this.headers = Map.copyOf(headers);
    }

    /** Extra response headers for this refusal. */
    public Map<String, String> headers() {
        return headers;
    }

    public HubErrorCode errorCode() {
        return errorCode;
    }

    /** Extra detail for the {@code info} object of the error body. */
    public Map<String, String> info() {
        return info;
    }

    public static HubException deviceNotFound(String deviceId) {
        return new HubException(HubErrorCode.DEVICE_NOT_FOUND, "Device " + deviceId + " not registered");
    }

    public static HubException moduleNotFound(String deviceId, String moduleId) {
        return new HubException(HubErrorCode.MODULE_NOT_FOUND,
                "Module " + moduleId + " on device " + deviceId + " not registered");
    }

    public static HubException argumentInvalid(String message) {
        return new HubException(HubErrorCode.ARGUMENT_INVALID, message);
    }

    public static HubException preconditionFailed(String what, String expected) {
        return new HubException(HubErrorCode.PRECONDITION_FAILED,
                "Precondition failed: the etag of " + what + " does not match If-Match " + expected);
    }
}
