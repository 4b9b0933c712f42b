package io.hubgate.bench;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway in its own JVM, started as a {@link GatewayLaunch} says: {@code java -cp <the bench's class
 * path> io.hubgate.bench.GatewayChild <flags>} ({@link GatewayChild} runs {@code Main}) or the
 * distribution's launcher. It is ready when its gRPC health service
 * answers SERVING; {@link #startupNanos()} is the time from launching the JVM to that answer.
 *
 * <p>Stopping: {@link #close()} sends SIGTERM (Main drains for the short grace the bench gives),
 * waits, then kills. {@link ChildProcesses} stops any child still running when the bench exits,
 * and each child watches the bench and exits if it disappears, so none is left behind.
 */
final class GatewayProcess implements RunningGateway {

    /** How long a JVM may take to serve: generous, because a loaded 2-core machine is slow. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern SERVING_LINE = Pattern.compile("hubgate is serving gRPC on (\\S+):(\\d+) ");
    private static final int KEPT_LINES = 60;
    private final Process process;
    private final int port;
    private final long startupNanos;
    private final ChildOutput.Tail output;
    private final MemoryProbe memory;

    private GatewayProcess(Process process, int port, long startupNanos, ChildOutput.Tail output) {
        this.process = process;
        this.port = port;
        this.startupNanos = startupNanos;
        this.output = output;
        this.memory = MemoryProbe.of(process.pid());
    }

    /** Launches a gateway JVM as {@code launch} says and waits until it serves. */
    static GatewayProcess start(GatewaySetup setup, GatewayLaunch launch) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(launch.command(setup.args())).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("HUBGATE_") || name.equals("JAVA_OPTS"));
        builder.environment().putAll(setup.childEnvironment());
        launch.environment(builder.environment());

        ChildOutput.Tail output = new ChildOutput.Tail(KEPT_LINES);
        CompletableFuture<Integer> announcedPort = new CompletableFuture<>();
        long launched = System.nanoTime();
        Process process = ChildProcesses.register(builder.start());
        try {
            drain(process, output, announcedPort);
            int port = announcedPort.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            awaitServing(process, port, launched);
            return new GatewayProcess(process, port, System.nanoTime() - launched, output);
        } catch (Exception | Error e) {
            ChildProcesses.stop(process);
            String why = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause().getMessage()
                    : e instanceof TimeoutException ? "no port announced within " + START_TIMEOUT : e.getMessage();
            throw new IllegalStateException("the gateway JVM (" + setup.label() + ") did not start: " + why
                    + "; its last output:\n" + output, e);
        }
    }

    /** Reads the child's output on a daemon thread: finds the port line, keeps the last lines for errors. */
    private static void drain(Process process, ChildOutput.Tail kept, CompletableFuture<Integer> port) {
        ChildOutput.follow(process.getInputStream(), "bench-gateway-output-" + process.pid(), line -> {
            kept.accept(line);
            Matcher serving = SERVING_LINE.matcher(line);
            if (!port.isDone() && serving.find()) {
                port.complete(Integer.parseInt(serving.group(2)));
            }
        }, () -> port.completeExceptionally(new IllegalStateException("the gateway JVM exited with status "
                + ChildProcesses.exitStatus(process) + " before it served")));
    }

    /** Asks the health service until it says SERVING. */
    private static void awaitServing(Process process, int port, long launched) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            while (true) {
                try {
                    if (health.withDeadlineAfter(2, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus()
                            == HealthCheckResponse.ServingStatus.SERVING) {
                        return;
                    }
                } catch (StatusRuntimeException notYet) {
                    // not listening or not serving yet
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("the gateway JVM exited with status " + process.exitValue());
                }
                if (System.nanoTime() - launched > START_TIMEOUT.toNanos()) {
                    throw new IllegalStateException("not SERVING within " + START_TIMEOUT);
                }
                Thread.sleep(5);
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** From launching the JVM to the first SERVING answer. */
    long startupNanos() {
        return startupNanos;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public MemoryProbe memory() {
        return memory;
    }

    @Override
    public String where() {
        return "own JVM, pid " + process.pid();
    }

    @Override
    public void close() {
        memory.close();
        ChildProcesses.stop(process);
    }

}
