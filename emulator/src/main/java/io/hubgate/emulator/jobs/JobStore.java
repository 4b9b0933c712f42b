package io.hubgate.emulator.jobs;

import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.UnaryOperator;

/**
 * The hub's scheduled jobs and their per-device entries, in memory. Reads never lock (sorted
 * concurrent maps, immutable values); writes take the store's monitor, hand the change to the
 * {@link Listener} (persistence) and only then publish it, so nothing is visible that is not
 * durable. Jobs are kept in job-id order and device entries in (job id, device id) order, which
 * is what listings and {@code devices.jobs} queries page by.
 *
 * <p>It enforces what concerns the set of jobs as a whole (unique ids, the concurrent-job limit);
 * what a single request may contain is {@link JobRequestReader}'s, and running jobs
 * {@link JobScheduler}'s.
 */
public final class JobStore {

    /** Makes a change durable before it is published; throws to cancel it. */
    interface Listener {
        /** @param job the job's new state, or null when {@code jobId} was removed with its entries */
        void jobChanged(String jobId, ScheduledJob job);

        void deviceJobChanged(DeviceJob entry);

        Listener NONE = new Listener() {
            @Override
            public void jobChanged(String jobId, ScheduledJob job) {
            }

            @Override
            public void deviceJobChanged(DeviceJob entry) {
            }
        };
    }

    private final NavigableMap<String, ScheduledJob> jobs = new ConcurrentSkipListMap<>();
    private final NavigableMap<String, DeviceJob> deviceJobs = new ConcurrentSkipListMap<>();
    private volatile Listener listener = Listener.NONE;

    public void setListener(Listener listener) {
        this.listener = Objects.requireNonNull(listener);
    }

    ScheduledJob get(String jobId) {
        return jobs.get(jobId);
    }

    /** The job, or 404 / 404002. */
    ScheduledJob require(String jobId) {
        ScheduledJob job = jobs.get(jobId);
        if (job == null) {
            throw new HubException(HubErrorCode.JOB_NOT_FOUND, "Job " + jobId + " not found");
        }
        return job;
    }

    /** Every job in id order. */
    Collection<ScheduledJob> jobs() {
        return jobs.values();
    }

    /** Jobs after {@code afterJobId} (null: from the first) in id order. */
    Collection<ScheduledJob> jobsAfter(String afterJobId) {
        return afterJobId == null ? jobs.values() : jobs.tailMap(afterJobId, false).values();
    }

    /** The device entries of one job, in device-id order. */
    Collection<DeviceJob> deviceJobs(String jobId) {
        // '/' is 0x2F and '0' 0x30: the range holds exactly the keys "jobId/…".
        return deviceJobs.subMap(jobId + "/", true, jobId + "0", false).values();
    }

    /** All device entries after a key (null: from the first), in (job, device) order. */
    Collection<DeviceJob> deviceJobsAfter(String afterKey) {
        return afterKey == null ? deviceJobs.values() : deviceJobs.tailMap(afterKey, false).values();
    }

    DeviceJob deviceJob(String jobId, String deviceId) {
        return deviceJobs.get(DeviceJob.key(jobId, deviceId));
    }

    /**
     * Adds a job.
     *
     * @param maxActiveJobs how many jobs may be queued, scheduled or running at once (the tier's limit)
     * @throws HubException 409 / 409104 if the id is taken; 403 / 403003 over the limit
     */
    synchronized ScheduledJob add(ScheduledJob job, int maxActiveJobs) {
        if (jobs.containsKey(job.jobId())) {
            throw new HubException(HubErrorCode.JOB_ALREADY_EXISTS, "A job with id " + job.jobId() + " already exists");
        }
        long active = jobs.values().stream().filter(j -> !j.status().isTerminal()).count();
        if (active >= maxActiveJobs) {
            throw new HubException(HubErrorCode.JOB_QUOTA_EXCEEDED, "The hub already has " + active
                    + (active == 1 ? " active job" : " active jobs") + "; its tier allows " + maxActiveJobs
                    + " at once. Wait for one to end, or cancel one");
        }
        return publish(job);
    }

    /** Changes a job under the store's monitor; returns its new state. */
    synchronized ScheduledJob update(String jobId, UnaryOperator<ScheduledJob> change) {
        ScheduledJob current = require(jobId);
        ScheduledJob next = change.apply(current);
        return next == current ? current : publish(next);
    }

    /** Starts a job on its chosen devices: one pending entry each, statistics to match. */
    synchronized ScheduledJob start(String jobId, List<String> deviceIds, Instant now) {
        ScheduledJob job = require(jobId);
        for (String deviceId : deviceIds) {
            DeviceJob entry = DeviceJob.pending(jobId, deviceId, job.spec().type(), now);
            listener.deviceJobChanged(entry);
            deviceJobs.put(entry.key(), entry);
        }
        return publish(job.started(JobStatistics.pending(deviceIds.size()), now));
    }

    /**
     * Cancels a job that has not ended, in one step: every entry not yet done ends as
     * {@code canceled} (pending ones, and running ones: a method waiting for its device to
     * connect, or a call whose answer has not come), and the job becomes cancelled with the
     * statistics that follow. Nothing of a cancelled job is still running, so whoever reads it
     * afterwards, from the cancel's own answer on, sees its final counts; an answer arriving later
     * is ignored ({@link #putDeviceJob}). A job that ended stays as it is.
     */
    synchronized ScheduledJob cancel(String jobId, Instant now) {
        ScheduledJob job = require(jobId);
        if (job.status().isTerminal()) {
            return job;
        }
        JobStatistics statistics = job.statistics();
        for (DeviceJob entry : List.copyOf(deviceJobs(jobId))) {
            if (!entry.status().isTerminal()) {
                DeviceJob canceled = entry.canceled(now);
                listener.deviceJobChanged(canceled);
                deviceJobs.put(canceled.key(), canceled);
                statistics = statistics.move(entry.status(), DeviceJobStatus.CANCELED);
            }
        }
        return publish(job.withStatistics(statistics, now).ended(JobStatus.CANCELLED, null, "Cancelled on request", now));
    }

    /**
     * Records a device entry's new state and moves the job's statistics with it; a change to an
     * entry that already ended is ignored (a late answer after a cancel or timeout).
     *
     * @return the entry as stored
     */
    synchronized DeviceJob putDeviceJob(DeviceJob entry, Instant now) {
        DeviceJob previous = deviceJobs.get(entry.key());
        if (previous == null || previous.status().isTerminal()) {
            return previous;
        }
        ScheduledJob job = jobs.get(entry.jobId());
        listener.deviceJobChanged(entry);
        deviceJobs.put(entry.key(), entry);
        if (job != null && previous.status() != entry.status()) {
            publish(job.withStatistics(job.statistics().move(previous.status(), entry.status()), now));
        }
        return entry;
    }

    /** Removes jobs that ended before {@code cutoff}, with their entries (the service keeps 30 days). */
    public synchronized int removeEndedBefore(Instant cutoff) {
        List<String> expired = new ArrayList<>();
        for (ScheduledJob job : jobs.values()) {
            if (job.endTime() != null && job.endTime().isBefore(cutoff)) {
                expired.add(job.jobId());
            }
        }
        for (String jobId : expired) {
            listener.jobChanged(jobId, null);
            deviceJobs(jobId).clear();
            jobs.remove(jobId);
        }
        return expired.size();
    }

    /** Removes every job and entry (the emulator's reset), telling the listener of each job. */
    public synchronized void clear() {
        for (String jobId : List.copyOf(jobs.keySet())) {
            listener.jobChanged(jobId, null);
            deviceJobs(jobId).clear();
            jobs.remove(jobId);
        }
    }

    /** Loads restored state (at start, before serving). */
    synchronized void restore(Collection<ScheduledJob> restoredJobs, Collection<DeviceJob> restoredEntries) {
        jobs.clear();
        deviceJobs.clear();
        restoredJobs.forEach(job -> jobs.put(job.jobId(), job));
        restoredEntries.forEach(entry -> deviceJobs.put(entry.key(), entry));
    }

    private ScheduledJob publish(ScheduledJob job) {
        listener.jobChanged(job.jobId(), job);
        jobs.put(job.jobId(), job);
        return job;
    }
}
