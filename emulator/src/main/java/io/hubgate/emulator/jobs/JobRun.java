package io.hubgate.emulator.jobs;

import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.RequestGate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Works through the devices of one running job: at most {@link #MAX_IN_FLIGHT} device operations
 * at a time, at the pace the tier allows, each recorded in its {@code devices.jobs} entry. The
 * job completes when every device is done. A method job waits for a disconnected device up to
 * the method's connect timeout, checking again every {@link #CONNECT_RETRY}.
 *
 * <p>It never blocks a thread on a device: method answers arrive as completions. Stopping it (a
 * cancel, the execution deadline) starts no further operation; answers still on their way are
 * dropped by the store, since their entries have ended. Thread-safe: state is under its monitor.
 */
final class JobRun {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobRun.class);

    /** Device operations one job keeps going at once. */
    static final int MAX_IN_FLIGHT = 16;
    /** How often a method job looks again for a device that is not connected yet. */
    static final Duration CONNECT_RETRY = Duration.ofSeconds(1);

    private final String jobId;
    private final JobSpec spec;
    private final JobStore store;
    private final DeviceOperations devices;
    private final ScheduledExecutorService executor;
    private final Clock clock;
    private final Runnable finished;
    private final Deque<String> pending = new ArrayDeque<>();
    private int inFlight;
    private boolean pumpScheduled;
    private boolean stopped;

    /**
     * @param todo     the entries still to process (pending, or running when a restart cut them short)
     * @param finished called once when the run ends by itself or is stopped
     */
    JobRun(ScheduledJob job, Collection<DeviceJob> todo, JobStore store, DeviceOperations devices,
           ScheduledExecutorService executor, Clock clock, Runnable finished) {
        this.jobId = job.jobId();
        this.spec = job.spec();
        this.store = store;
        this.devices = devices;
        this.executor = executor;
        this.clock = clock;
        this.finished = finished;
        todo.forEach(entry -> pending.add(entry.deviceId()));
    }

    /** Starts (or goes on with) as many device operations as the limits allow. */
    synchronized void pump() {
        pumpScheduled = false;
        while (!stopped && inFlight < MAX_IN_FLIGHT && !pending.isEmpty()) {
            long wait = devices.pace();
            if (wait > 0) {
                pumpScheduled = true;
                executor.schedule(this::pump, wait, TimeUnit.NANOSECONDS);
                return;
            }
            String deviceId = pending.poll();
            inFlight++;
            executor.execute(() -> process(deviceId));
        }
        if (!stopped && inFlight == 0 && pending.isEmpty()) {
            stopped = true;
            complete();
        }
    }

    /** Starts nothing more; entries not yet processed stay as they are for the caller to end. */
    synchronized void stop() {
        if (!stopped) {
            stopped = true;
            finished.run();
        }
    }

    private void process(String deviceId) {
        DeviceJob entry = store.deviceJob(jobId, deviceId);
        ScheduledJob job = store.get(jobId);
        if (entry == null || entry.status().isTerminal() || job == null || job.status() != JobStatus.RUNNING) {
            done();
            return;
        }
        Instant now = clock.instant();
        DeviceJob running = entry.status() == DeviceJobStatus.RUNNING ? entry : entry.running(now);
        store.putDeviceJob(running, now);
        try {
            if (spec.type() == JobType.UPDATE_TWIN) {
                devices.updateTwin(deviceId, spec);
                store.putDeviceJob(running.succeeded(null, clock.instant()), clock.instant());
                done();
            } else {
                invoke(running);
            }
        } catch (HubException refused) {
            fail(running, refused);
            done();
        } catch (RequestGate.DropConnection dropped) {
            store.putDeviceJob(running.failed(HubErrorCode.SERVER_ERROR.errorName(),
                    "The hub lost the connection to the device (injected fault)", clock.instant()), clock.instant());
            done();
        } catch (RuntimeException unexpected) {
            // One device's surprise must not stall the job until its deadline.
            LOG.error("Job {} failed unexpectedly on device {}", jobId, deviceId, unexpected);
            store.putDeviceJob(running.failed(HubErrorCode.SERVER_ERROR.errorName(),
                    "The emulator failed to process this device: " + unexpected.getClass().getSimpleName(),
                    clock.instant()), clock.instant());
            done();
        }
    }

    private void invoke(DeviceJob running) {
        devices.invokeMethod(running.deviceId(), spec).whenComplete((answer, failure) -> {
            if (failure == null) {
                store.putDeviceJob(running.succeeded(answer, clock.instant()), clock.instant());
                done();
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof HubException refused && refused.errorCode() == HubErrorCode.DEVICE_NOT_ONLINE
                    && waitForConnection(running)) {
                return;
            }
            if (cause instanceof HubException refused) {
                fail(running, refused);
            } else {
                store.putDeviceJob(running.failed(HubErrorCode.SERVER_ERROR.errorName(),
                        "The method call failed: " + cause.getClass().getSimpleName(), clock.instant()), clock.instant());
            }
            done();
        });
    }

    /** Tries the device again later while its connect timeout lasts; false when it has run out. */
    private boolean waitForConnection(DeviceJob running) {
        Instant giveUp = running.startTime().plus(spec.connectTimeout());
        Duration left = Duration.between(clock.instant(), giveUp);
        synchronized (this) {
            if (stopped || left.isNegative() || left.isZero()) {
                return false;
            }
        }
        long delay = Math.min(CONNECT_RETRY.toMillis(), left.toMillis());
        executor.schedule(() -> {
            DeviceJob current = store.deviceJob(jobId, running.deviceId());
            if (current == null || current.status().isTerminal()) {
                done();
            } else {
                invoke(current);
            }
        }, delay, TimeUnit.MILLISECONDS);
        return true;
    }

    private void fail(DeviceJob running, HubException refused) {
        store.putDeviceJob(running.failed(refused.errorCode().errorName(), refused.getMessage(), clock.instant()),
                clock.instant());
    }

    private synchronized void done() {
        inFlight--;
        if (!pumpScheduled) {
            pump();
        }
    }

    private void complete() {
        Instant now = clock.instant();
        store.update(jobId, job -> job.status() == JobStatus.RUNNING ? job.ended(JobStatus.COMPLETED, null, null, now) : job);
        finished.run();
    }
}
