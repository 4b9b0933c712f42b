package io.hubgate.bench;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The bench's child processes (gateway JVMs, peer load drivers): each is registered when started,
 * and a shutdown hook stops any still running when the bench exits, so none outlives it.
 */
final class ChildProcesses {

    /** How long a child gets after SIGTERM, and again after SIGKILL. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ChildProcesses::stop), "bench-child-reaper"));
    }

    private ChildProcesses() {
    }

    static Process register(Process process) {
        LIVE.add(process);
        return process;
    }

    /** SIGTERM, a wait for a graceful stop, then SIGKILL; never returns with the process alive. */
    static void stop(Process process) {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(process);
        }
    }

    /** Its exit status within a second, or why not. */
    static String exitStatus(Process process) {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "(still running)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(unknown)";
        }
    }
}
