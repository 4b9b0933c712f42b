package io.hubgate.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program of a packaged distribution run as the README says (its launcher script, or plain
 * {@code java}), with its output in a file that tests read while it runs. Closing it sends
 * SIGTERM and then, if it is still there after a while, SIGKILL.
 */
final class LaunchedProcess implements AutoCloseable {

    private static final Duration STOP_PATIENCE = Duration.ofSeconds(30);

    private final Process process;
    private final Path output;

    private LaunchedProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** The directory a distribution was packaged to, from the system property the build sets. */
    static Path distribution(String property) {
        String location = System.getProperty(property);
        if (location == null || !Files.isDirectory(Path.of(location, "lib"))) {
            throw new IllegalStateException("no packaged distribution at " + location + " (system property " + property
                    + "): these tests check what mvn package made, so run them with mvn verify");
        }
        return Path.of(location);
    }

    /** Starts {@code command} with no HUBGATE_, AZURE_ or JAVA_OPTS variables but {@code environment}. */
    static LaunchedProcess start(List<String> command, Map<String, String> environment, Path output) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("HUBGATE_") || name.startsWith("AZURE_")
                || name.equals("JAVA_OPTS") || name.startsWith("IDENTITY_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(environment);
        return new LaunchedProcess(builder.start(), output);
    }

    /** Waits for a line of output that matches {@code pattern} and returns its match. */
    Matcher awaitLine(Pattern pattern, Duration patience) throws IOException, InterruptedException {
        Instant giveUp = Instant.now().plus(patience);
        while (true) {
            Matcher match = pattern.matcher(output());
            if (match.find()) {
                return match;
            }
            if (!process.isAlive() || Instant.now().isAfter(giveUp)) {
                throw new AssertionError("no line matching " + pattern + (process.isAlive() ? " within " + patience
                        : "; the process exited with " + process.exitValue()) + "; its output:\n" + output());
            }
            Thread.sleep(50);
        }
    }

    String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** SIGTERM, then waits for the exit; returns the exit status. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(STOP_PATIENCE.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("still running " + STOP_PATIENCE + " after SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(STOP_PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }
}
