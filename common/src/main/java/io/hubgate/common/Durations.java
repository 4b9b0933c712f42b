package io.hubgate.common;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them in a flag or an environment variable: a whole number with a unit
 * ({@code 500ms}, {@code 90s}, {@code 2m}, {@code 1h}, in any case) or ISO-8601 ({@code PT20S},
 * {@code pt1h}). The one reading of a duration for the gateway's and the emulator's options.
 *
 * <p>It does not decide what a duration may be (positive, at most …): each option checks that
 * itself and says so naming the option. Stateless.
 */
public final class Durations {

    /** A signed whole number and a unit: a sign lets the option refuse a negative value by name. */
    private static final Pattern WITH_UNIT = Pattern.compile("([+-]?\\d+)(ms|s|m|h)");

    private Durations() {
    }

    /** @throws IllegalArgumentException for text that is not a duration (the message quotes it) */
    public static Duration parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            Matcher withUnit = WITH_UNIT.matcher(value);
            if (withUnit.matches()) {
                long amount = Long.parseLong(withUnit.group(1));
                return switch (withUnit.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            }
            return Duration.parse(value);
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 90s, 2m, 1h or PT20S");
        }
    }
}
