package io.hubgate.server.observability;

import io.grpc.Status;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.message.MapMessage;

/**
 * One access log line: the call's request id, caller, method, status and duration as named,
 * typed fields (JSON: {@code requestId}, {@code traceId} when traced, {@code caller}, {@code method}, {@code status},
 * {@code durationMs} as a number, {@code statusMessage} when not OK), and as text the line the
 * access log has always had. What goes in is what the interceptor passes: it never reads metadata
 * or messages.
 */
public final class AccessLogEntry extends MapMessage<AccessLogEntry, Object> {

    /** The access log's logger name (its level: hubgate.log.access.level). */
    public static final String LOGGER = "hubgate.access";
    private static final Logger LOG = LogManager.getLogger(LOGGER);

    private final String line;

    private AccessLogEntry(String line) {
        this.line = line;
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
        String text = status.isOk() ? id + " " + who + " " + name + " OK " + micros + "us"
                : id + " " + who + " " + name + " " + code + " " + micros + "us: " + description;
        AccessLogEntry entry = new AccessLogEntry(text)
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

    @Override
    public String getFormattedMessage() {
        return line;
    }

    @Override
    public String getFormattedMessage(String[] formats) {
        return line;
    }

    @Override
    public void formatTo(StringBuilder buffer) {
        buffer.append(line);
    }

    @Override
    public void formatTo(String[] formats, StringBuilder buffer) {
        buffer.append(line);
    }

    @Override
    public AccessLogEntry newInstance(java.util.Map<String, Object> map) {
        AccessLogEntry copy = new AccessLogEntry(line);
        map.forEach(copy::with);
        return copy;
    }
}
