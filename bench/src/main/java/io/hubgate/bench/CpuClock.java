package io.hubgate.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time (user and kernel) spent by a whole process, or by some threads of this JVM, from
 * Linux's {@code /proc}. Use: {@link #snapshot()} before, {@link #nanosSince} after.
 *
 * <ul>
 *   <li>A process ({@link #process}): {@code utime + stime} of {@code /proc/<pid>/stat}, which
 *       include the threads that have ended (a Python peer's workers end with each run), in clock
 *       ticks of 10 ms: 10 ms of resolution per reading, a few percent of a measured slice.</li>
 *   <li>Threads of this JVM by name ({@link #threadsOfThisJvm}):
 *       {@code /proc/self/task/<tid>/schedstat} (nanoseconds on a CPU) of each thread whose
 *       {@code comm} (its name cut to 15 characters) matches, difference taken thread by thread.
 *       A thread that ended in between loses what it did in between, so the threads measured this
 *       way must outlive the slice: the emulator's pool and the load's pool keep theirs.</li>
 * </ul>
 *
 * <p>On a system without {@code /proc}, {@link #available()} is false and readings are empty.
 * Not thread-safe; cheap enough to read before and after every measured slice.
 */
final class CpuClock {

    /** USER_HZ: the unit of /proc's utime and stime, 100 on every Linux architecture's ABI. */
    static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final long WHOLE_PROCESS = -1;

    /** A reading: CPU nanoseconds per thread id ({@link #WHOLE_PROCESS} for a whole process). */
    record Snapshot(Map<Long, Long> perThread) {
    }

    private final Path proc;
    private final Predicate<String> threadName;
    private final String description;

    /** @param threadName null for the whole process */
    private CpuClock(long pid, Predicate<String> threadName, String description) {
        this.proc = Path.of("/proc", Long.toString(pid));
        this.threadName = threadName;
        this.description = description;
    }

    /** A whole process, every thread that ran in it (a JVM's GC and JIT threads included). */
    static CpuClock process(long pid, String description) {
        return new CpuClock(pid, null, description);
    }

    /**
     * Only the threads of this JVM whose (15-character) names start with one of {@code prefixes}.
     */
    static CpuClock threadsOfThisJvm(List<String> prefixes, String description) {
        return new CpuClock(ProcessHandle.current().pid(), name -> prefixes.stream().anyMatch(name::startsWith), description);
    }

    boolean available() {
        return Files.isDirectory(proc);
    }

    /** What it measures, for the output. */
    String description() {
        return description;
    }

    Snapshot snapshot() {
        return threadName == null ? wholeProcess() : threads();
    }

    private Snapshot wholeProcess() {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // After the command name in parentheses (which may hold spaces): state is field 3, utime 14, stime 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return new Snapshot(Map.of(WHOLE_PROCESS, ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND)));
        } catch (IOException | RuntimeException gone) {
            return new Snapshot(Map.of());
        }
    }

    private Snapshot threads() {
        Map<Long, Long> perThread = new HashMap<>();
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(proc.resolve("task"))) {
            for (Path thread : threads) {
                try {
                    if (threadName.test(Files.readString(thread.resolve("comm")).strip())) {
                        String schedstat = Files.readString(thread.resolve("schedstat"));
                        perThread.put(Long.parseLong(thread.getFileName().toString()),
                                Long.parseLong(schedstat.substring(0, schedstat.indexOf(' '))));
                    }
                } catch (IOException | RuntimeException threadEnded) {
                    // it ended while being read: what it did is lost either way
                }
            }
        } catch (IOException noProc) {
            return new Snapshot(Map.of());
        }
        return new Snapshot(perThread);
    }

    /** CPU nanoseconds since {@code before}: of the process, or of the matching threads, thread by thread. */
    long nanosSince(Snapshot before) {
        long total = 0;
        for (Map.Entry<Long, Long> now : snapshot().perThread().entrySet()) {
            total += now.getValue() - before.perThread().getOrDefault(now.getKey(), 0L);
        }
        return total;
    }
}
