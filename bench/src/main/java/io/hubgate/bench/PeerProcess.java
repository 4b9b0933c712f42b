package io.hubgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A peer's load driver as a child process, driven over its standard streams: one JSON command a
 * line in, one JSON answer a line out ({@code bench/peers/README.md}). The bench decides what runs
 * when and alternates the sides; the peer only calls and times. Its answer's latencies go into
 * the bench's own histogram, so every row of a run is computed the same way.
 *
 * <p>Stopping: {@link #close()} closes its input (a peer exits at end of input), then stops it as
 * {@link ChildProcesses} does. Not thread-safe: one command at a time.
 */
final class PeerProcess implements AutoCloseable {

    /** How long a peer may take to load its SDK and stubs and say it is ready. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Beyond a run's own time: calls in flight at its end finish within the peers' call deadline (30 s). */
    static final Duration ANSWER_MARGIN = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEPT_LINES = 40;
    private static final String END = "\u0000end";

    private final Peer peer;
    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final ChildOutput.Tail errorOutput = new ChildOutput.Tail(KEPT_LINES);
    private final CpuClock cpu;
    private String description;
    private List<String> paths = List.of();

    private PeerProcess(Peer peer, Process process) {
        this.peer = peer;
        this.process = process;
        this.commands = process.getOutputStream();
        this.cpu = CpuClock.process(process.pid(), peer.label() + " peer process");
    }

    /**
     * Starts a peer and waits for its ready line.
     *
     * @param environment what it is told on top of the bench's environment (whose HUBGATE_*, CA and
     *                    proxy variables it never inherits: everything here is on loopback)
     */
    static PeerProcess start(Peer peer, Path peersDirectory, Map<String, String> environment) throws IOException, InterruptedException {
        String missing = peer.missingSetUp(peersDirectory);
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        ProcessBuilder builder = new ProcessBuilder(peer.command(peersDirectory)).directory(peer.folder(peersDirectory).toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("HUBGATE_") || name.equals("REQUESTS_CA_BUNDLE")
                || name.equals("NODE_EXTRA_CA_CERTS") || name.toLowerCase(Locale.ROOT).endsWith("_proxy"));
        builder.environment().putAll(environment);
        PeerProcess started = new PeerProcess(peer, ChildProcesses.register(builder.start()));
        try {
            started.drain();
            JsonNode ready = started.answer(READY_TIMEOUT);
            if (!ready.path("ready").asBoolean()) {
                throw new IllegalStateException("its first line was not ready: " + ready);
            }
            started.paths = new ArrayList<>();
            ready.path("paths").forEach(path -> started.paths.add(path.asText()));
            List<String> versions = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = ready.path("versions").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> version = it.next();
                versions.add(version.getKey() + " " + version.getValue().asText());
            }
            started.description = peer.label() + ": " + String.join(", ", versions) + " (" + ready.path("runtime").asText() + ")";
            return started;
        } catch (RuntimeException | IOException | InterruptedException e) {
            started.close();
            throw new IllegalStateException("the " + peer.label() + " peer did not start: " + e.getMessage()
                    + "; its error output:\n" + started.errorOutput, e);
        }
    }

    Peer peer() {
        return peer;
    }

    /** "python: grpcio 1.85.1, azure-iot-hub 2.7.0 (Python 3.11.7)". */
    String description() {
        return description;
    }

    /** "gateway", and "sdk" when it has one. */
    List<String> paths() {
        return paths;
    }

    long pid() {
        return process.pid();
    }

    /** Its process's CPU, every thread. */
    CpuClock cpu() {
        return cpu;
    }

    /**
     * Runs a workload on one path at a concurrency for a time and returns what the peer measured.
     *
     * @param path "gateway" or "sdk"
     */
    Load.Result run(Workload workload, String path, int concurrency, long nanos) throws InterruptedException {
        return run(workload.name().toLowerCase(Locale.ROOT), path, concurrency, nanos);
    }

    /** As {@link #run(Workload, String, int, long)}, the workload by its protocol name ("health": see {@link Peer#answersHealth}). */
    Load.Result run(String workload, String path, int concurrency, long nanos) throws InterruptedException {
        ObjectNode command = JSON.createObjectNode().put("workload", workload).put("path", path)
                .put("concurrency", concurrency).put("millis", Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
        try {
            commands.write((JSON.writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
            JsonNode answer = answer(Duration.ofNanos(nanos).plus(ANSWER_MARGIN));
            if (answer.has("error")) {
                throw new IllegalStateException("the " + peer.label() + " peer refused " + command + ": " + answer.get("error").asText());
            }
            JsonNode latencies = answer.path("latencies_us");
            long[] micros = new long[latencies.size()];
            for (int i = 0; i < micros.length; i++) {
                micros[i] = latencies.get(i).asLong();
            }
            JsonNode firstError = answer.path("first_error");
            return Load.of(micros, answer.path("errors").asLong(), answer.path("elapsed_ns").asLong(),
                    firstError.isTextual() ? firstError.asText() : null);
        } catch (IOException e) {
            throw new IllegalStateException("the " + peer.label() + " peer is gone (exit " + ChildProcesses.exitStatus(process)
                    + "): " + e.getMessage() + "; its error output:\n" + errorOutput, e);
        }
    }

    /** The next line of its standard output, as JSON. */
    private JsonNode answer(Duration timeout) throws IOException, InterruptedException {
        String line = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new IOException("no answer within " + timeout);
        }
        if (line.equals(END)) {
            answers.add(END); // every later read fails alike
            throw new IOException("its output ended");
        }
        return JSON.readTree(line);
    }

    /** Reads its output and its errors on daemon threads: answers to the queue, errors kept for messages. */
    private void drain() {
        ChildOutput.follow(process.getInputStream(), "bench-peer-" + peer.label() + "-out", answers::add, () -> answers.add(END));
        ChildOutput.follow(process.getErrorStream(), "bench-peer-" + peer.label() + "-err", errorOutput, () -> { });
    }

    @Override
    public void close() {
        try {
            commands.close();
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException ignored) {
            // already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ChildProcesses.stop(process);
        }
    }
}
