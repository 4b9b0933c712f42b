package io.hubgate.server.hub.rest;

import java.nio.charset.StandardCharsets;

/**
 * Builds IoT Hub request paths in which every caller-given segment (a device or module id) is
 * percent-encoded, so that an id reaches the hub as exactly that id: {@code %72x} stays
 * {@code %72x} (sent as {@code %2572x}), {@code x?y} does not end the path, {@code a#b} is not a
 * fragment and {@code a/b} stays one segment. The SDK concatenates ids into its URLs as they are,
 * which is why ids the SDK cannot carry go this way.
 *
 * <p>Everything but RFC 3986's unreserved characters is encoded, as UTF-8 bytes; the fixed parts
 * of a path are written by this class and need no encoding. Immutable.
 */
final class HubPath {

    /** The REST API version the gateway speaks, the same as iot-service-client 2.1.9 sends. */
    public static final String API_VERSION = "2021-04-12";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String path;
    /** The path with its ids as placeholders: what a span or a log may show. */
    private final String template;

    private HubPath(String path, String template) {
        this.path = path;
        this.template = template;
    }

    /** {@code /devices/{id}} */
    public static HubPath device(String deviceId) {
        return new HubPath("/devices/" + segment(deviceId), "/devices/{id}");
    }

    /** {@code /devices} (bulk) */
    public static HubPath devices() {
        return new HubPath("/devices", "/devices");
    }

    /** {@code /devices/query} */
    public static HubPath query() {
        return new HubPath("/devices/query", "/devices/query");
    }

    /** {@code /devices/{id}/modules} */
    public static HubPath modules(String deviceId) {
        return new HubPath("/devices/" + segment(deviceId) + "/modules", "/devices/{id}/modules");
    }

    /** {@code /devices/{id}/modules/{mid}} */
    public static HubPath module(String deviceId, String moduleId) {
        return new HubPath("/devices/" + segment(deviceId) + "/modules/" + segment(moduleId), "/devices/{id}/modules/{mid}");
    }

    /** {@code /twins/{id}} or {@code /twins/{id}/modules/{mid}} when {@code moduleId} is not empty. */
    public static HubPath twin(String deviceId, String moduleId) {
        boolean module = moduleId != null && !moduleId.isEmpty();
        return new HubPath("/twins/" + segment(deviceId) + (module ? "/modules/" + segment(moduleId) : ""),
                module ? "/twins/{id}/modules/{mid}" : "/twins/{id}");
    }

    /** The direct-method endpoint of a device, or of a module when {@code moduleId} is not empty. */
    public static HubPath methods(String deviceId, String moduleId) {
        HubPath twin = twin(deviceId, moduleId);
        return new HubPath(twin.path + "/methods", twin.template + "/methods");
    }

    /** The path and the {@code api-version} query, ready to follow {@code https://host}. */
    public String withApiVersion() {
        return path + "?api-version=" + API_VERSION;
    }

    /** The path with placeholders for its ids ({@code /twins/{id}}), free of any caller's value. */
    public String template() {
        return template;
    }

    @Override
    public String toString() {
        return path;
    }

    /** Percent-encodes one path segment: every byte outside {@code A-Z a-z 0-9 - . _ ~}. */
    static String segment(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~';
            if (unreserved) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }
}
