package io.hubgate.sample;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

/**
 * Prints protobuf messages in protobuf's JSON mapping, so that what the CLI prints can be pasted
 * back into it. {@link JsonFormat} writes strings through a Gson that HTML-escapes them: an etag
 * {@code AAAAAAAAABI=} would print as {@code AAAAAAAAABI\u003d}, which no shell user can pass back
 * to {@code --etag}. Each message is therefore printed by JsonFormat (field names, enums, int64 as
 * strings, Struct values) and the same JSON written again by a Gson that escapes only what JSON
 * requires; numbers keep their text, and null values in a Struct stay.
 *
 * <p>It does not choose what is printed: that is protobuf's JSON mapping, with fields at their
 * default value left out unless {@link #prettyWithDefaults} is asked for. Thread-safe.
 */
final class JsonOutput {

    private static final JsonFormat.Printer PROTO = JsonFormat.printer();
    private static final JsonFormat.Printer PROTO_WITH_DEFAULTS = JsonFormat.printer().includingDefaultValueFields();
    private static final Gson PRETTY = new GsonBuilder().disableHtmlEscaping().serializeNulls().setPrettyPrinting().create();
    private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private JsonOutput() {
    }

    /** Indented, over several lines: for a single result. */
    static String pretty(MessageOrBuilder message) throws InvalidProtocolBufferException {
        return PRETTY.toJson(JsonParser.parseString(PROTO.print(message)));
    }

    /**
     * As {@link #pretty}, with the fields at their default value too: for results where a zero
     * says something (a count of 0 disabled devices is an answer, not a missing one).
     */
    static String prettyWithDefaults(MessageOrBuilder message) throws InvalidProtocolBufferException {
        return PRETTY.toJson(JsonParser.parseString(PROTO_WITH_DEFAULTS.print(message)));
    }

    /** On one line: for results printed one per line as they arrive. */
    static String compact(MessageOrBuilder message) throws InvalidProtocolBufferException {
        return COMPACT.toJson(JsonParser.parseString(PROTO.print(message)));
    }
}
