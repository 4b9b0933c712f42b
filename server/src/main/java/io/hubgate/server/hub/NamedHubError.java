package io.hubgate.server.hub;

/**
 * IoT Hub's older, named wording of an error: {@code ErrorCode:<Name>;<message>}, the
 * {@code Message} of the body the service sends for registry, twin, query, bulk and job errors
 * ({@code {"Message":"ErrorCode:DeviceNotFound;Device d1 not registered","ExceptionMessage":"Tracking ID:…"}}).
 * The Java SDK finds no six-digit code in it and keeps the HTTP status as the code and
 * {@code "ErrorCode:DeviceNotFound;Device d1 not registered Tracking ID:…"} as the exception's
 * message (azure-iot-sdk-java #1108), so the name is all there is to recover the code from; the
 * controlled path reads the same field from the body. Both read it here, so that one hub answer
 * gives one status whichever path met it.
 *
 * <p>It does not read the newer JSON form ({@code {"errorCode":404001,…}}), which carries the
 * code itself. Immutable.
 *
 * @param name    the error name, e.g. {@code DeviceNotFound}
 * @param message the hub's sentence without the name and without the SDK's appended tracking id
 */
public record NamedHubError(String name, String message) {

    private static final String PREFIX = "ErrorCode:";
    /** What the Java SDK appends to the message: the body's ExceptionMessage, after one space. */
    private static final String TRACKING_ID = " Tracking ID:";

    /** The named form in {@code text}, or null when {@code text} is not worded so. */
    public static NamedHubError parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            return null;
        }
        int end = text.indexOf(';');
        String name = (end < 0 ? text.substring(PREFIX.length()) : text.substring(PREFIX.length(), end)).trim();
        if (name.isEmpty()) {
            return null;
        }
        String message = end < 0 ? "" : text.substring(end + 1);
        int tracking = message.lastIndexOf(TRACKING_ID);
        if (tracking >= 0) {
            message = message.substring(0, tracking);
        }
        return new NamedHubError(name, message.trim());
    }

    /**
     * IoT Hub's six-digit code for the name when it belongs to {@code httpStatus}
     * ({@code DeviceNotFound} with 404 → 404001), else {@code httpStatus}: a name the gateway does
     * not know, or one that does not fit the status, tells nothing the status does not.
     */
    public int code(int httpStatus) {
        Integer named = IotHubErrorNames.code(name);
        return named != null && named / 1000 == httpStatus ? named : httpStatus;
    }
}
