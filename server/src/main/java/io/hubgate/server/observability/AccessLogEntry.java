package io.hubgate.server.observability;

import io.grpc.Status;
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
     * Writes the line of a call that ended with {@code status} after {@code micros}; {@code traceId}
     * is its trace's id, or null when the call is not traced.
     */
    public static void write(String requestId, String traceId, String caller, String method, Status status, long micros) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        String code = status.getCode().name();
        String text = status.isOk() ? requestId + " " + caller + " " + method + " OK " + micros + "us"
                : requestId + " " + caller + " " + method + " " + code + " " + micros + "us: " + status.getDescription();
        AccessLogEntry entry = new AccessLogEntry(text)
                .with("requestId", requestId)
                .with("caller", caller)
                .with("method", method)
                .with("status", code)
                .with("durationMs", micros / 1000.0);
        if (traceId != null) {
            entry.with("traceId", traceId);
        }
        if (!status.isOk() && status.getDescription() != null) {
            entry.with("statusMessage", status.getDescription());
        }
        LOG.info(entry);
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
