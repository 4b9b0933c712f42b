package io.hubgate.server.config;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.jul.Log4jBridgeHandler;

import java.util.Locale;

/**
 * How the gateway writes its log: {@link #TEXT} lines for people (stderr), or {@link #JSON}, one
 * object per line with named fields for log pipelines (stdout). The layouts themselves are in
 * {@code log4j2.xml} and {@code log-event.json}; this only chooses between them at start, and
 * sends java.util.logging (grpc-java's and Netty's logger) to the same place, so that a JSON log
 * holds nothing but JSON lines.
 */
public enum LogFormat {
    TEXT, JSON;

    /** The system property log4j2.xml reads the format from. */
    static final String PROPERTY = "hubgate.log.format";

    /** Parses {@code text} or {@code json}, in any case. */
    public static LogFormat parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--log-format must be text or json, not '" + value + "'");
        }
    }

    /**
     * Switches this JVM's log to this format, from the next line on. Called before anything has
     * logged (as Main does), log4j2 is configured once, here, already in this format; a log
     * configured earlier in the other format is configured again.
     */
    public void apply() {
        String wanted = name().toLowerCase(Locale.ROOT);
        boolean changed = !wanted.equals(System.getProperty(PROPERTY));
        System.setProperty(PROPERTY, wanted);
        // The first use of log4j2 (getContext here, or the bridge below) reads its configuration
        // with the property set: configuring it a second time cost a whole start of log4j2 again.
        if (changed && LogManager.getContext(false) instanceof LoggerContext context && !writesTo(context, wanted)) {
            context.reconfigure();
        }
        Log4jBridgeHandler.install(true, null, true);
    }

    /** Whether the root logger of {@code context} already writes to the appender of that format (log4j2.xml). */
    private static boolean writesTo(LoggerContext context, String format) {
        return context.getConfiguration().getRootLogger().getAppenders().containsKey(format);
    }

    /**
     * Flushes and stops logging: the last thing the process does (log4j2's own shutdown hook is
     * off, see log4j2.component.properties, so that the gateway's stop is still logged).
     */
    public static void stopLogging() {
        LogManager.shutdown();
    }
}
