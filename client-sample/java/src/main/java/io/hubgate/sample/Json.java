package io.hubgate.sample;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** picocli converters for the JSON and duration arguments; a bad value is a usage error (exit 2). */
final class Json {

    private Json() {
    }

    /** A JSON object, as a protobuf Struct. */
    static final class StructConverter implements CommandLine.ITypeConverter<Struct> {
        @Override
        public Struct convert(String json) {
            Struct.Builder struct = Struct.newBuilder();
            try {
                JsonFormat.parser().merge(json, struct);
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                throw new CommandLine.TypeConversionException("not a JSON object: " + e.getMessage());
            }
            return struct.build();
        }
    }

    /** Any JSON value, as a protobuf Value. */
    static final class ValueConverter implements CommandLine.ITypeConverter<Value> {
        @Override
        public Value convert(String json) {
            Value.Builder value = Value.newBuilder();
            try {
                JsonFormat.parser().merge(json, value);
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                throw new CommandLine.TypeConversionException("not a JSON value: " + e.getMessage());
            }
            return value.build();
        }
    }

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    /** "30s", "2m", "1h", "500ms" or an ISO-8601 duration ("PT30S"), as the gateway's and the emulator's options. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Matcher matcher = SHORT_DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                return switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            }
            try {
                return Duration.parse(text.strip());
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("not a duration (e.g. 30s, 2m, 1h, PT30S): " + text);
            }
        }
    }
}
