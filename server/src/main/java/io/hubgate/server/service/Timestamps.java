package io.hubgate.server.service;

import com.google.protobuf.Timestamp;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.Set;

/**
 * IoT Hub's times as protobuf Timestamps. IoT Hub writes "never" as year 1
 * ({@code 0001-01-01T00:00:00Z}); that becomes an unset timestamp, never a date in year 1.
 */
final class Timestamps {

    /**
     * "Never" as IoT Hub writes it, known without parsing: most twins and devices carry it, and
     * java.time's parser was the largest part of mapping a twin (a fifth of its CPU samples).
     */
    private static final Set<String> NEVER = Set.of("0001-01-01T00:00:00Z", "0001-01-01T00:00:00");
    /** Instants before this one (0002-01-01T00:00:00Z) are in year 1 or earlier: "never". */
    private static final long YEAR_2_EPOCH_SECOND = LocalDate.of(2, 1, 1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();

    private Timestamps() {
    }

    /** Null for "never", absent, or unparseable text. */
    static Timestamp parse(String text) {
        if (text == null || text.isBlank() || NEVER.contains(text)) {
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
        if (instant == null || instant.getEpochSecond() < YEAR_2_EPOCH_SECOND) {
            return null;
        }
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
