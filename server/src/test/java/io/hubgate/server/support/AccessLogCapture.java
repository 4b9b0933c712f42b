package io.hubgate.server.support;

import org.awaitility.core.ConditionTimeoutException;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.awaitility.Awaitility.await;

/**
 * Reads what the gateway logs, as an operator would: the text log writes every line to
 * {@code System.err} (log4j2's console appender follows {@code System.setErr}), so this puts a
 * tee in its place for the duration of a test and keeps each line. Lines of the access log are
 * the ones of logger {@code hubgate.access}. Restores the real stream on close. Records of
 * java.util.logging (grpc-java's own log) are kept too, with their stack traces, as
 * {@code [jul] LEVEL logger - message} lines. Not for tests that run in parallel with others
 * (surefire runs classes one by one).
 */
public final class AccessLogCapture implements AutoCloseable {

    private static final String ACCESS = " hubgate.access - ";

    private final PrintStream original = System.err;
    private final List<String> lines = new ArrayList<>();
    private final boolean echo;
    /** grpc-java logs through java.util.logging, whose console handler holds the original stream. */
    private final Handler julLines = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (AccessLogCapture.this) {
                lines.add("[jul] " + record.getLevel() + " " + record.getLoggerName() + " - " + record.getMessage());
                for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                    lines.add(t.toString());
                    for (StackTraceElement frame : t.getStackTrace()) {
                        lines.add("\tat " + frame);
                    }
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private AccessLogCapture(boolean echo) {
        this.echo = echo;
        Logger.getLogger("").addHandler(julLines);
        System.setErr(new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                synchronized (AccessLogCapture.this) {
                    if (AccessLogCapture.this.echo) {
                        original.write(b);
                    }
                    if (b == '\n') {
                        lines.add(buffer.toString(StandardCharsets.UTF_8));
                        buffer.reset();
                    } else {
                        buffer.write(b);
                    }
                }
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** Starts capturing; {@code echo} also passes every line on to the real stream. */
    public static AccessLogCapture start(boolean echo) {
        return new AccessLogCapture(echo);
    }

    /** Every line so far. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** The access log's lines so far (the message part, after the logger name). */
    public synchronized List<String> accessLines() {
        List<String> access = new ArrayList<>();
        for (String line : lines) {
            int at = line.indexOf(ACCESS);
            if (at >= 0) {
                access.add(line.substring(at + ACCESS.length()));
            }
        }
        return access;
    }

    /** The first access line that matches, waiting up to {@code timeout} for it (the log is written as calls close). */
    public String awaitAccessLine(Predicate<String> match, Duration timeout) {
        try {
            return await().atMost(timeout).pollInterval(Duration.ofMillis(5))
                    .until(() -> accessLines().stream().filter(match).findFirst(), Optional::isPresent).orElseThrow();
        } catch (ConditionTimeoutException notInTime) {
            throw new AssertionError("no access log line matched in " + timeout + "; the last ones: "
                    + tail(accessLines(), 10));
        }
    }

    private static List<String> tail(List<String> lines, int count) {
        return lines.subList(Math.max(0, lines.size() - count), lines.size());
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(julLines);
        System.err.flush();
        System.setErr(original);
    }
}
