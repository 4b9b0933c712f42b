package io.hubgate.emulator.jobs;

import io.hubgate.emulator.query.QueryException;
import io.hubgate.emulator.query.TwinQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs scheduled jobs in the background on the emulator's clock: moves a job from queued to
 * scheduled, starts it when its start time comes (choosing its devices then, so devices added
 * later are not part of it), ends it at its maximum execution time, and forgets jobs
 * {@link #RETENTION} after they ended, as the service does.
 *
 * <p>It looks at the clock whenever something changes (a job is created or cancelled) and
 * otherwise at the next start or deadline, but at least every {@link #MAX_NAP}, so a clock that a
 * test moves by hand is noticed within that time ({@link #wake()} makes it look at once).
 *
 * <p>Thread-safe. Its threads are daemons, stopped by {@link #close()}.
 */
public final class JobScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);

    /** How long the service keeps a job after it ended. */
    public static final Duration RETENTION = Duration.ofDays(30);
    /** The longest the scheduler goes without reading the clock. */
    static final Duration MAX_NAP = Duration.ofSeconds(1);
    /** Threads for ticks and device operations; method answers arrive on the devices' own timer. */
    private static final int THREADS = 2;

    private final JobStore store;
    private final DeviceOperations devices;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final Map<String, JobRun> runs = new ConcurrentHashMap<>();
    private final Object tickLock = new Object();
    private ScheduledFuture<?> nextTick;
    private boolean closed;

    public JobScheduler(JobStore store, DeviceOperations devices, Clock clock) {
        this.store = store;
        this.devices = devices;
        this.clock = clock;
        AtomicInteger count = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "emulator-jobs-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.executor = Executors.unconfigurableScheduledExecutorService(pool);
    }

    /** Starts looking at jobs (those restored from disk included). */
    public void start() {
        wake();
    }

    /** Looks at every job now, on the scheduler's thread. */
    public synchronized void wake() {
        if (closed) {
            return;
        }
        if (nextTick != null) {
            nextTick.cancel(false);
        }
        nextTick = executor.schedule(this::tick, 0, TimeUnit.MILLISECONDS);
    }

    /**
     * Cancels a job that has not ended: its unfinished device entries become {@code canceled}
     * ({@link JobStore#cancel}) and its run starts nothing more. A job that ended stays as it is.
     */
    ScheduledJob cancel(String jobId) {
        ScheduledJob cancelled = store.cancel(jobId, clock.instant());
        JobRun run = runs.remove(jobId);
        if (run != null) {
            run.stop();
        }
        return cancelled;
    }

    /** Forgets the runs in progress (the emulator's reset empties the store beside this). */
    public void reset() {
        runs.values().forEach(JobRun::stop);
        runs.clear();
    }

    @Override
    public synchronized void close() {
        closed = true;
        runs.values().forEach(JobRun::stop);
        executor.shutdownNow();
    }

    private void tick() {
        // Two pool threads may both hold a tick (a wake during a tick); one at a time may advance jobs.
        synchronized (tickLock) {
            tickLocked();
        }
    }

    private void tickLocked() {
        try {
            Instant now = clock.instant();
            store.removeEndedBefore(now.minus(RETENTION));
            Instant next = now.plus(MAX_NAP);
            for (ScheduledJob job : List.copyOf(store.jobs())) {
                Instant due = advance(job, now);
                if (due != null && due.isBefore(next)) {
                    next = due;
                }
            }
            scheduleTick(Duration.between(clock.instant(), next));
        } catch (RuntimeException unexpected) {
            LOG.error("The job scheduler failed; trying again", unexpected);
            scheduleTick(MAX_NAP);
        }
    }

    /** Moves one job along; returns when it next needs looking at (null: it does not). */
    private Instant advance(ScheduledJob job, Instant now) {
        switch (job.status()) {
            case QUEUED, SCHEDULED -> {
                if (job.spec().startTime().isAfter(now)) {
                    if (job.status() == JobStatus.QUEUED) {
                        store.update(job.jobId(), j -> j.status() == JobStatus.QUEUED ? j.withStatus(JobStatus.SCHEDULED, now) : j);
                    }
                    return job.spec().startTime();
                }
                return begin(job, now);
            }
            case RUNNING -> {
                if (!now.isBefore(job.deadline())) {
                    timeOut(job, now);
                    return null;
                }
                if (!runs.containsKey(job.jobId())) {
                    JobRun resumed = resume(job);
                    runs.put(job.jobId(), resumed);
                    resumed.pump();
                }
                return job.deadline();
            }
            default -> {
                return null;
            }
        }
    }

    private Instant begin(ScheduledJob job, Instant now) {
        TwinQuery condition;
        try {
            condition = TwinQuery.parseCondition(job.spec().queryCondition());
        } catch (QueryException invalid) {
            store.update(job.jobId(), j -> j.status().isTerminal() ? j
                    : j.ended(JobStatus.FAILED, "The query condition is invalid: " + invalid.getMessage(),
                    "Failed: the query condition is invalid", now));
            return null;
        }
        List<String> deviceIds = devices.select(condition);
        ScheduledJob started = store.start(job.jobId(), deviceIds, now);
        JobRun run = new JobRun(started, store.deviceJobs(job.jobId()), store, devices, executor, clock,
                () -> runs.remove(job.jobId()));
        runs.put(job.jobId(), run);
        run.pump();
        return started.deadline();
    }

    /** A job that was running when the emulator stopped goes on with the devices it had not finished. */
    private JobRun resume(ScheduledJob job) {
        List<DeviceJob> unfinished = store.deviceJobs(job.jobId()).stream()
                .filter(entry -> !entry.status().isTerminal()).toList();
        return new JobRun(job, unfinished, store, devices, executor, clock, () -> runs.remove(job.jobId()));
    }

    private void timeOut(ScheduledJob job, Instant now) {
        JobRun run = runs.remove(job.jobId());
        if (run != null) {
            run.stop();
        }
        int unfinished = 0;
        String description = "The job reached its maximum execution time (" + job.spec().maxExecutionSeconds()
                + " s) before this device was done";
        for (DeviceJob entry : List.copyOf(store.deviceJobs(job.jobId()))) {
            if (!entry.status().isTerminal()) {
                unfinished++;
                store.putDeviceJob(entry.failed("JobTimedOut", description, now), now);
            }
        }
        String message = unfinished == 0 ? null : "The maximum execution time ended the job; " + unfinished
                + (unfinished == 1 ? " device was" : " devices were") + " not done";
        store.update(job.jobId(), j -> j.status() == JobStatus.RUNNING ? j.ended(JobStatus.COMPLETED, null, message, now) : j);
    }

    private synchronized void scheduleTick(Duration delay) {
        if (closed) {
            return;
        }
        long millis = Math.max(1, Math.min(MAX_NAP.toMillis(), delay.toMillis()));
        if (nextTick != null) {
            nextTick.cancel(false);
        }
        nextTick = executor.schedule(this::tick, millis, TimeUnit.MILLISECONDS);
    }
}
