package io.hubgate.sample;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

import java.math.BigDecimal;

/**
 * Prints protobuf messages in protobuf's JSON mapping, so that what the CLI prints can be pasted
 * back into it. {@link JsonFormat} writes strings through a Gson that HTML-escapes them: an etag
 * {@code AAAAAAAAABI=} would print as {@code AAAAAAAAABI\u003d}, which no shell user can pass back
 * to {@code --etag}. Each message is therefore printed by JsonFormat (field names, enums, int64 as
 * strings, Struct values) and the same JSON written again by a Gson that escapes only what JSON
 * requires; null values in a Struct stay, and numbers keep their text except that integral
 * doubles print as integers (below).
 *
 * <p>It does not choose what is printed: that is protobuf's JSON mapping, with fields at their
 * default value left out unless {@link #prettyWithDefaults} is asked for. Thread-safe.
 */
final class JsonOutput {

    private static final JsonFormat.Printer PROTO = JsonFormat.printer();
    private static final JsonFormat.Printer PROTO_WITH_DEFAULTS = JsonFormat.printer().includingDefaultValueFields();
    private static final Gson PRETTY = new GsonBuilder().disableHtmlEscaping().serializeNulls().setPrettyPrinting().create();
    /** 2^53: up to here every integer is a double. */
    private static final BigDecimal EXACT_DOUBLE_INTEGERS = BigDecimal.valueOf(1L << 53);
    private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private JsonOutput() {
    }

    /** Indented, over several lines: for a single result. */
    static String pretty(MessageOrBuilder message) throws InvalidProtocolBufferException {
        return PRETTY.toJson(reparse(PROTO.print(message)));
    }

    /**
     * As {@link #pretty}, with the fields at their default value too: for results where a zero
     * says something (a count of 0 disabled devices is an answer, not a missing one).
     */
    static String prettyWithDefaults(MessageOrBuilder message) throws InvalidProtocolBufferException {
        return PRETTY.toJson(reparse(PROTO_WITH_DEFAULTS.print(message)));
    }

    /** On one line: for results printed one per line as they arrive. */
    static String compact(MessageOrBuilder message) throws InvalidProtocolBufferException {
        return COMPACT.toJson(reparse(PROTO.print(message)));
    }

    private static JsonElement reparse(String json) {
        return integralNumbersAsIntegers(JsonParser.parseString(json));
    }

    /**
     * Struct numbers are doubles, which JsonFormat prints as {@code 30.0}; grpcurl, Go and Node print
     * {@code 30}. An integral value within ±2^53, where every integer is an exact double, is printed
     * as an integer; any other number keeps its text.
     */
    private static JsonElement integralNumbersAsIntegers(JsonElement element) {
        if (element.isJsonObject()) {
            JsonObject object = element.getAsJsonObject();
            object.entrySet().forEach(entry -> entry.setValue(integralNumbersAsIntegers(entry.getValue())));
        } else if (element.isJsonArray()) {
            JsonArray array = element.getAsJsonArray();
            for (int i = 0; i < array.size(); i++) {
                array.set(i, integralNumbersAsIntegers(array.get(i)));
            }
        } else if (element.isJsonPrimitive() && element.getAsJsonPrimitive().isNumber()) {
            BigDecimal number = element.getAsBigDecimal();
            if (number.signum() == 0) {
                return new JsonPrimitive(0);
            }
            if (number.stripTrailingZeros().scale() <= 0 && number.abs().compareTo(EXACT_DOUBLE_INTEGERS) <= 0) {
                return new JsonPrimitive(number.longValueExact());
            }
        }
        return element;
    }
}
