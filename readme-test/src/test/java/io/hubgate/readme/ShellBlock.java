package io.hubgate.readme;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One README block run the way a newcomer pastes it into a fresh terminal: a new
 * {@code bash} that reads no profile, in the repository root, with exactly the given environment.
 * Stricter than an interactive shell in one way: {@code set -euo pipefail}, so that the first
 * failing command (or a variable the block uses but never set) ends it with a non-zero status.
 *
 * <p>The script and its output are kept as files in the work directory, for whoever reads a
 * failure.
 */
final class ShellBlock {

    /** What one run printed and how it ended. */
    record Result(String name, int exitCode, String output, Path script, Duration took) {
        String describe() {
            return "README block '" + name + "' (" + script + ") exited with " + exitCode + " after " + took.toSeconds()
                    + " s; its output:\n" + output;
        }
    }

    private ShellBlock() {
    }

    /**
     * Runs {@code script} and waits for it.
     *
     * @param patience an upper bound against hangs only, not a speed requirement
     */
    static Result run(String name, String script, Path directory, Map<String, String> environment, Path workDirectory,
                      Duration patience) throws IOException, InterruptedException {
        Path file = workDirectory.resolve(name + ".sh");
        Path log = workDirectory.resolve(name + ".log");
        Files.writeString(file, "set -euo pipefail\n" + script, StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", "--noprofile", "--norc", file.toString()))
                .directory(directory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Instant started = Instant.now();
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(patience.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            return new Result(name, -1, "(still running after " + patience + ", killed)\n" + Files.readString(log), file,
                    Duration.between(started, Instant.now()));
        }
        return new Result(name, process.exitValue(), Files.readString(log, StandardCharsets.UTF_8), file,
                Duration.between(started, Instant.now()));
    }
}
