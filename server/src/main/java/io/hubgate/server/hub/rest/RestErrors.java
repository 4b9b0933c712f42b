package io.hubgate.server.hub.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hubgate.server.hub.HubErrorResponse;
import io.hubgate.server.hub.NamedHubError;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads an IoT Hub error answer into a {@link HubErrorResponse}: the six-digit code and the hub's
 * sentence from whichever form the body takes, and the {@code Retry-After} header in either of its
 * forms (seconds, or an HTTP date). Stateless.
 *
 * <p>The forms, as the service (and the emulator) write them:
 * <ul>
 *   <li>JSON: {@code {"Message":"{\"errorCode\":404103,…,\"message\":…}","ExceptionMessage":""}},
 *       or flat {@code {"errorCode":404001,"message":…}};</li>
 *   <li>named: {@code {"Message":"ErrorCode:DeviceNotFound;Device d1 not registered","ExceptionMessage":"Tracking ID:…"}}
 *       (the registry, twin, query, bulk and job endpoints), read by {@link NamedHubError} as
 *       the SDK path reads the same text from the SDK's exception.</li>
 * </ul>
 * The JSON form's code wins; else the error name (the body's, or the {@code iothub-errorcode}
 * header's) is looked up; else the HTTP status stands in.
 */
final class RestErrors {

    private RestErrors() {
    }

    /** @param errorName the {@code iothub-errorcode} header, or null */
    static HubErrorResponse of(int status, String body, String retryAfter, String errorName) {
        String name = errorName;
        String message = body;
        JsonObject json = null;
        JsonObject outer = object(body);
        String field = outer != null && outer.get("Message") != null && outer.get("Message").isJsonPrimitive()
                ? outer.get("Message").getAsString() : null;
        NamedHubError named = NamedHubError.parse(field);
        if (named != null) {
            name = named.name();
            message = named.message();
        } else if (outer != null) {
            json = jsonForm(outer);
        }
        int code = status;
        if (json != null) {
            JsonElement numeric = json.get("errorCode");
            if (numeric != null && numeric.isJsonPrimitive() && numeric.getAsJsonPrimitive().isNumber()
                    && numeric.getAsInt() / 1000 == status) {
                code = numeric.getAsInt();
            }
            message = json.toString();
        }
        if (code == status && name != null) {
            code = new NamedHubError(name.trim(), message).code(status);
        }
        return new HubErrorResponse(status, code, message, retryAfter(retryAfter));
    }

    /** The object holding {@code errorCode}: this one, or the JSON text in its {@code Message}. */
    private static JsonObject jsonForm(JsonObject object) {
        if (object == null) {
            return null;
        }
        JsonElement nested = object.get("Message");
        if (nested != null && nested.isJsonPrimitive() && nested.getAsString().trim().startsWith("{")) {
            JsonObject inner = object(nested.getAsString());
            return inner != null ? inner : object;
        }
        return object.has("errorCode") ? object : null;
    }

    private static JsonObject object(String text) {
        try {
            JsonElement parsed = JsonParser.parseString(text);
            return parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    /** Seconds or an HTTP date; null when absent or unreadable (then the gateway's own backoff applies). */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
