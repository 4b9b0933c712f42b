package io.hubgate.server.hub.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hubgate.server.hub.HubErrorResponse;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads an IoT Hub error answer into a {@link HubErrorResponse}: the six-digit code from the
 * body's current form ({@code {"Message":"{\"errorCode\":404001,…}","ExceptionMessage":""}}) or
 * its flat form ({@code {"errorCode":404001,…}}), else the HTTP status; and the
 * {@code Retry-After} header in either of its forms (seconds, or an HTTP date). Stateless.
 */
final class RestErrors {

    private RestErrors() {
    }

    static HubErrorResponse of(int status, String body, String retryAfter) {
        JsonObject error = innermost(body);
        int code = status;
        String message = body;
        if (error != null) {
            JsonElement numeric = error.get("errorCode");
            if (numeric != null && numeric.isJsonPrimitive() && numeric.getAsJsonPrimitive().isNumber()
                    && numeric.getAsInt() / 1000 == status) {
                code = numeric.getAsInt();
            }
            message = error.toString();
        }
        return new HubErrorResponse(status, code, message, retryAfter(retryAfter));
    }

    /** The object that holds {@code errorCode}: the body itself, or the JSON text in its {@code Message}. */
    private static JsonObject innermost(String body) {
        try {
            JsonElement parsed = JsonParser.parseString(body);
            if (!parsed.isJsonObject()) {
                return null;
            }
            JsonObject object = parsed.getAsJsonObject();
            JsonElement nested = object.get("Message");
            if (nested != null && nested.isJsonPrimitive() && nested.getAsString().trim().startsWith("{")) {
                JsonElement inner = JsonParser.parseString(nested.getAsString());
                return inner.isJsonObject() ? inner.getAsJsonObject() : object;
            }
            return object;
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
