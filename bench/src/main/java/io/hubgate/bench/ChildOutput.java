package io.hubgate.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/** Reading a child process's output: its lines handed on from a daemon thread, the last ones kept for failure messages. */
final class ChildOutput {

    private ChildOutput() {
    }

    /** The last lines of a stream, for a failure message. Thread-safe. */
    static final class Tail implements Consumer<String> {
        private final Deque<String> lines = new ArrayDeque<>();
        private final int keep;

        Tail(int keep) {
            this.keep = keep;
        }

        @Override
        public synchronized void accept(String line) {
            lines.addLast(line);
            if (lines.size() > keep) {
                lines.removeFirst();
            }
        }

        @Override
        public synchronized String toString() {
            return lines.isEmpty() ? "(none)" : String.join("\n", lines);
        }
    }

    /** Starts a daemon thread that hands each line of {@code stream} (UTF-8) to {@code eachLine}, then runs {@code atEnd}. */
    static void follow(InputStream stream, String threadName, Consumer<String> eachLine, Runnable atEnd) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    eachLine.accept(line);
                }
            } catch (IOException ignored) {
                // the process is gone
            }
            atEnd.run();
        }, threadName);
        reader.setDaemon(true);
        reader.start();
    }
}
