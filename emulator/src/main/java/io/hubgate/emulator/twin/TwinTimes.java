package io.hubgate.emulator.twin;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The timestamp spellings IoT Hub uses. Identity records carry seven fractional digits
 * (.NET ticks); twin {@code $metadata} carries milliseconds; a time that was never set is
 * {@code 0001-01-01T00:00:00Z}.
 */
public final class TwinTimes {

    public static final String NEVER = "0001-01-01T00:00:00Z";

    private static final DateTimeFormatter IDENTITY =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter METADATA =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private TwinTimes() {
    }

    public static String identity(Instant instant) {
        return instant == null ? NEVER : IDENTITY.format(instant);
    }

    public static String metadata(Instant instant) {
        return METADATA.format(instant);
    }
}
