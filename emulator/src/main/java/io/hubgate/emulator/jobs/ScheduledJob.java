package io.hubgate.emulator.jobs;

import java.time.Instant;
import java.util.Objects;

/**
 * One scheduled job as the hub keeps it: its request, its state and its statistics. Immutable;
 * the {@code with…} methods give the next state, which {@link JobStore} publishes.
 *
 * @param runStarted when the job started running (null before)
 * @param endTime    when it ended (null before)
 */
record ScheduledJob(String jobId, JobSpec spec, Instant createdTime, JobStatus status, Instant runStarted,
                           Instant endTime, String failureReason, String statusMessage, JobStatistics statistics,
                           Instant lastUpdated) {

    public ScheduledJob {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(statistics, "statistics");
    }

    /** A job just accepted: queued, no devices yet. */
    public static ScheduledJob accepted(String jobId, JobSpec spec, Instant now) {
        return new ScheduledJob(jobId, spec, now, JobStatus.QUEUED, null, null, null, null, JobStatistics.NONE, now);
    }

    public ScheduledJob withStatus(JobStatus next, Instant now) {
        return new ScheduledJob(jobId, spec, createdTime, next, runStarted, endTime, failureReason, statusMessage,
                statistics, now);
    }

    /** Running, with its devices chosen. */
    public ScheduledJob started(JobStatistics devices, Instant now) {
        return new ScheduledJob(jobId, spec, createdTime, JobStatus.RUNNING, now, null, null, null, devices, now);
    }

    /** Ended in {@code terminal}, with an optional reason (failures) and message. */
    public ScheduledJob ended(JobStatus terminal, String reason, String message, Instant now) {
        if (!terminal.isTerminal()) {
            throw new IllegalArgumentException(terminal + " does not end a job");
        }
        return new ScheduledJob(jobId, spec, createdTime, terminal, runStarted, now, reason, message, statistics, now);
    }

    public ScheduledJob withStatistics(JobStatistics next, Instant now) {
        return new ScheduledJob(jobId, spec, createdTime, status, runStarted, endTime, failureReason, statusMessage,
                next, now);
    }

    /** When the job must have ended: its start plus its maximum execution time. */
    public Instant deadline() {
        Instant started = runStarted != null ? runStarted : spec.startTime();
        return started.plusSeconds(spec.maxExecutionSeconds());
    }
}
