package io.hubgate.server.support;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.hubgate.server.Main;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The gateway as a real child process ({@link Main} on the test classpath), configured only
 * through HUBGATE_ environment variables, with its output in a file. For tests of what happens
 * to the process as a whole: signals, exit codes, the shutdown hook.
 */
public final class ShutdownChildGateway implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;
    /** Whether the thread reading a piped stderr goes on (startWithStderrPiped). */
    private volatile boolean readingStderr = true;
    private final ManagedChannel channel;

    private ShutdownChildGateway(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /** Starts {@code hubgate} with these environment variables (and HUBGATE_PORT) and waits until health is SERVING. */
    public static ShutdownChildGateway start(Map<String, String> environment, Path log, Duration patience) throws Exception {
        return start(List.of(), environment, log, patience, true);
    }

    /** As {@link #start(Map, Path, Duration)}, the child JVM started with {@code jvmOptions} (e.g. a bounded heap). */
    public static ShutdownChildGateway start(List<String> jvmOptions, Map<String, String> environment, Path log,
                                             Duration patience) throws Exception {
        return start(jvmOptions, environment, log, patience, true);
    }

    /**
     * As {@link #start(Map, Path, Duration)}, but only stdout goes to {@code log}: stderr (the text
     * log) is a pipe that a thread of this test reads (and discards) until {@link #stopReadingStderr()}.
     */
    public static ShutdownChildGateway startWithStderrPiped(Map<String, String> environment, Path log, Duration patience)
            throws Exception {
        return start(List.of(), environment, log, patience, false);
    }

    /** Closes the reading end of the gateway's stderr pipe, as a log reader that dies does: writes after its next one fail (EPIPE). */
    public void stopReadingStderr() {
        // The reader closes the pipe itself after its current read (the gateway's next write):
        // closing it from here, under a blocked read, could hand the descriptor to another file.
        readingStderr = false;
    }

    private static ShutdownChildGateway start(List<String> jvmOptions, Map<String, String> environment, Path log,
                                              Duration patience, boolean stderrToLog) throws Exception {
        int port = freePort();
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(stderrToLog).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("HUBGATE_") || name.startsWith("AZURE_")
                || name.startsWith("IDENTITY_") || name.startsWith("MSI_"));
        builder.environment().putAll(environment);
        builder.environment().put("HUBGATE_PORT", Integer.toString(port));
        ShutdownChildGateway child = new ShutdownChildGateway(builder.start(), log, port);
        if (!stderrToLog) {
            // Read while the test wants it read: a full pipe would block the gateway's logging.
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (java.io.InputStream stderr = child.process.getErrorStream()) {
                    while (child.readingStderr && stderr.read(buffer) >= 0) {
                        // discarded
                    }
                } catch (IOException ignored) {
                    // the pipe is gone either way
                }
            }, "child-stderr-reader");
            reader.setDaemon(true);
            reader.start();
        }
        try {
            await().atMost(patience).failFast(() -> !child.process.isAlive())
                    .until(() -> child.health() == HealthCheckResponse.ServingStatus.SERVING);
        } catch (ConditionTimeoutException | TerminalFailureException notServing) {
            child.close();
            throw new IllegalStateException("the gateway did not start serving:\n" + child.output());
        }
        return child;
    }

    /** The overall health status, or null when the health service cannot be reached. */
    public HealthCheckResponse.ServingStatus health() {
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } catch (StatusRuntimeException unreachable) {
            return null;
        }
    }

    public ManagedChannel channel() {
        return channel;
    }

    public int port() {
        return port;
    }

    public Process process() {
        return process;
    }

    public String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
