package io.hubgate.sample.polyglot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One sample client as its README runs it: its command, in its own folder, after its
 * {@code setup.sh} has installed its packages and generated its stubs (the Maven build did that).
 */
enum Sample {
    GO("go", List.of("go", "run", ".")),
    PYTHON("python", List.of(".venv/bin/python", "hubgate_sample.py")),
    NODE("node", List.of("node", "index.js"));

    /** The samples the build set up: {@code -Dsamples=go,python,node} (all unless narrowed). */
    static List<Sample> selected() {
        String names = System.getProperty("hubgate.samples", "go,python,node");
        return Arrays.stream(names.split(",")).map(String::strip).filter(name -> !name.isEmpty())
                .map(name -> Arrays.stream(values()).filter(sample -> sample.language.equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no sample '" + name + "' (go, python, node)")))
                .toList();
    }

    /** A first {@code go run} compiles; nothing else comes near this. */
    private static final long TIMEOUT_SECONDS = 180;

    private final String language;
    private final List<String> command;

    Sample(String language, List<String> command) {
        this.language = language;
        this.command = command;
    }

    /** The language, as the sample writes it into the desired properties and its default device id. */
    String language() {
        return language;
    }

    Path folder() {
        return Path.of(System.getProperty("hubgate.samples.dir", "..")).resolve(language).toAbsolutePath().normalize();
    }

    /**
     * Runs the sample with exactly {@code environment}'s HUBGATE_ variables (none inherited from
     * whoever runs the build) and waits for it.
     */
    Output run(Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder().toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("HUBGATE_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> drain(process, false));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(process, true));
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(this + " sample ran longer than " + TIMEOUT_SECONDS + " s; stderr so far:\n" + stderr.getNow(""));
        }
        return new Output(process.exitValue(), stdout.join(), stderr.join());
    }

    private static String drain(Process process, boolean error) {
        try {
            return new String((error ? process.getErrorStream() : process.getInputStream()).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** What a finished sample printed. */
    record Output(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
