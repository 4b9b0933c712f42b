package io.hubgate.server.observability;

import io.hubgate.server.config.LogFormat;
import io.opentelemetry.api.metrics.Meter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Notices when the gateway's log can no longer be written: the process reading its stderr or stdout
 * (a log shipper, a terminal, {@code | tee}) went away, so every write fails (EPIPE). log4j2's
 * consoles write through {@code System.err}/{@code System.out}, whose {@link PrintStream} swallows
 * that {@code IOException} and only remembers it ({@link PrintStream#checkError()}); without this
 * watch the gateway would go on answering calls it no longer records, and nobody would know.
 * Every {@link #INTERVAL} it checks both streams (the text log is on stderr, the JSON log on stdout);
 * the first time one has failed it says so once — an ERROR in the log (for when only the other
 * stream failed) and one plain line on the stream the log does not use (stdout for the text log,
 * stderr for JSON) — calls {@code onFailure} once with that sentence, and the gauge
 * {@code hubgate.log.output_failed} turns to 1. A broken pipe cannot be mended, so
 * neither can this state. It does not stop calls itself, nor retry the lost lines.
 */
public final class LogOutputWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogOutputWatch.class);

    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "hubgate-log-output-watch");
        thread.setDaemon(true);
        return thread;
    });
    private final Consumer<String> onFailure;
    private volatile String failure;

    private LogOutputWatch(Consumer<String> onFailure) {
        this.onFailure = onFailure;
    }

    /** Starts watching; {@code onFailure} runs once, on the watch's thread, when a log stream has failed. */
    public static LogOutputWatch start(Meter meter, Consumer<String> onFailure) {
        LogOutputWatch watch = new LogOutputWatch(onFailure);
        meter.gaugeBuilder("hubgate.log.output_failed").ofLongs()
                .setDescription("1 when the gateway's log output (stderr or stdout) failed to write: calls are no longer recorded")
                .buildWithCallback(gauge -> gauge.record(watch.failure == null ? 0 : 1));
        watch.timer.scheduleWithFixedDelay(watch::check, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    /** The sentence given to {@code onFailure}, or null while the log can be written. */
    public String failure() {
        return failure;
    }

    private void check() {
        // Read each time: the consoles follow System.err/out (log4j2.xml), so must this.
        String failed = System.err.checkError() ? "stderr" : System.out.checkError() ? "stdout" : null;
        if (failed == null) {
            return;
        }
        failure = "the gateway cannot write its log to " + failed + " (whatever read it has gone away): "
                + "calls are no longer recorded in the access log; health is NOT_SERVING until the gateway is restarted";
        try {
            LOG.error("{}", failure);
            PrintStream notTheLog = LogFormat.current() == LogFormat.JSON ? System.err : System.out;
            notTheLog.println("hubgate: " + failure);
            onFailure.accept(failure);
        } finally {
            timer.shutdown();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
