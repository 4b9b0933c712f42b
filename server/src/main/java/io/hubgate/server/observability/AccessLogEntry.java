package io.hubgate.server.observability;

import io.grpc.Status;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.message.AsynchronouslyFormattable;
import org.apache.logging.log4j.message.MapMessage;

/**
 * One access log line: the call's request id, caller, method, status and duration as named,
 * typed fields (JSON: {@code requestId}, {@code traceId} when traced, {@code caller}, {@code method}, {@code status},
 * {@code durationMs} as a number, {@code statusMessage} when not OK), and as text the line the
 * access log has always had. What goes in is what the interceptor passes: it never reads metadata
 * or messages.
 *
 * <p>Immutable once written, so log4j2 may format it on the access log's background thread
 * ({@link AsynchronouslyFormattable}): without the annotation its async appender formats every
 * message on the call's thread before queueing it.
 */
@AsynchronouslyFormattable
public final class AccessLogEntry extends MapMessage<AccessLogEntry, Object> {

    /** The access log's logger name (its level: hubgate.log.access.level). */
    public static final String LOGGER = "hubgate.access";
    private static final Logger LOG = LogManager.getLogger(LOGGER);

    /** The text line's parts, escaped; the line itself is put together only when a layout asks for it. */
    private final String id;
    private final String who;
    private final String name;
    private final String code;
    private final long micros;
    /** The escaped status description, null for OK. */
    private final String description;

    private AccessLogEntry(String id, String who, String name, String code, long micros, String description) {
        // Room for every field without growing: requestId, caller, method, status, durationMs, traceId, statusMessage.
        super(7);
        this.id = id;
        this.who = who;
        this.name = name;
        this.code = code;
        this.micros = micros;
        this.description = description;
    }

    /**
     * Writes the line of a call that ended with {@code status} after {@code micros}, at WARN for a
     * {@code gatewayFault} and INFO otherwise; {@code traceId} is its trace's id, or null when the
     * call is not traced. Every value goes through {@link LogText#escape}, in the text line and in
     * the JSON fields alike, so neither form can be broken or forged by what a caller sent.
     */
    public static void write(boolean gatewayFault, String requestId, String traceId, String caller, String method,
                             Status status, long micros) {
        Level level = gatewayFault ? Level.WARN : Level.INFO;
        if (!LOG.isEnabled(level)) {
            return;
        }
        String id = LogText.escape(requestId);
        String who = LogText.escape(caller);
        String name = LogText.escape(method);
        String code = status.getCode().name();
        String description = status.isOk() ? null : LogText.escape(status.getDescription());
        AccessLogEntry entry = new AccessLogEntry(id, who, name, code, micros, description)
                .with("requestId", id)
                .with("caller", who)
                .with("method", name)
                .with("status", code)
                .with("durationMs", micros / 1000.0);
        if (traceId != null) {
            entry.with("traceId", traceId);
        }
        if (!status.isOk() && status.getDescription() != null) {
            entry.with("statusMessage", description);
        }
        LOG.log(level, entry);
    }

    /**
     * The text line, {@code id caller method OK 123us} or {@code id caller method CODE 123us: description}.
     * Built on the thread that formats it (the access log's background thread), not on the call's.
     */
    private String line() {
        StringBuilder line = new StringBuilder(id.length() + who.length() + name.length() + 48
                + (description == null ? 0 : description.length()));
        appendLine(line);
        return line.toString();
    }

    private void appendLine(StringBuilder buffer) {
        buffer.append(id).append(' ').append(who).append(' ').append(name).append(' ')
                .append(description == null ? "OK" : code).append(' ').append(micros).append("us");
        if (description != null) {
            buffer.append(": ").append(description);
        }
    }

    @Override
    public String getFormattedMessage() {
        return line();
    }

    @Override
    public String getFormattedMessage(String[] formats) {
        return line();
    }

    @Override
    public void formatTo(StringBuilder buffer) {
        appendLine(buffer);
    }

    @Override
    public void formatTo(String[] formats, StringBuilder buffer) {
        appendLine(buffer);
    }

    @Override
    public AccessLogEntry newInstance(java.util.Map<String, Object> map) {
        AccessLogEntry copy = new AccessLogEntry(id, who, name, code, micros, description);
        map.forEach(copy::with);
        return copy;
    }
}
