package io.hubgate.server.api;

import com.google.protobuf.Timestamp;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Date;

/**
 * IoT Hub's times as protobuf Timestamps. IoT Hub writes "never" as year 1
 * ({@code 0001-01-01T00:00:00Z}); that becomes an unset timestamp, never a date in year 1.
 */
final class Timestamps {

    private Timestamps() {
    }

    /** Null for "never", absent, or unparseable text. */
    static Timestamp parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                instant = LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException unknown) {
                return null;
            }
        }
        return of(instant);
    }

    static Timestamp of(Date date) {
        return date == null ? null : of(date.toInstant());
    }

    static Timestamp of(Instant instant) {
        if (instant == null || instant.atOffset(ZoneOffset.UTC).getYear() <= 1) {
            return null;
        }
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
