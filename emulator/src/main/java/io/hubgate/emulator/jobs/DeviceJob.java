package io.hubgate.emulator.jobs;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;

/**
 * One device's part in a job: a {@code devices.jobs} entry. Immutable.
 *
 * @param methodResponse method jobs: the device's answer, {@code {"status":…,"payload":…}} (null otherwise)
 * @param errorCode      why the device failed (null unless failed or canceled)
 */
record DeviceJob(String jobId, String deviceId, JobType type, DeviceJobStatus status, Instant createdTime,
                        Instant startTime, Instant endTime, Instant lastUpdated, JsonNode methodResponse,
                        String errorCode, String errorDescription) {

    public DeviceJob {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
    }

    public static DeviceJob pending(String jobId, String deviceId, JobType type, Instant now) {
        return new DeviceJob(jobId, deviceId, type, DeviceJobStatus.PENDING, now, null, null, now, null, null, null);
    }

    public DeviceJob running(Instant now) {
        return new DeviceJob(jobId, deviceId, type, DeviceJobStatus.RUNNING, createdTime, now, null, now, null, null, null);
    }

    public DeviceJob succeeded(JsonNode response, Instant now) {
        return new DeviceJob(jobId, deviceId, type, DeviceJobStatus.COMPLETED, createdTime, startOr(now), now, now,
                response, null, null);
    }

    public DeviceJob failed(String code, String description, Instant now) {
        return new DeviceJob(jobId, deviceId, type, DeviceJobStatus.FAILED, createdTime, startOr(now), now, now,
                null, code, description);
    }

    public DeviceJob canceled(Instant now) {
        return new DeviceJob(jobId, deviceId, type, DeviceJobStatus.CANCELED, createdTime, startTime, now, now,
                null, "JobCancelled", status == DeviceJobStatus.RUNNING
                        ? "The job was cancelled before this device was done (its result, if any, is not recorded)"
                        : "The job was cancelled before this device was processed");
    }

    /** The key of this entry in job order: job id, then device id ('/' is in neither). */
    public String key() {
        return key(jobId, deviceId);
    }

    static String key(String jobId, String deviceId) {
        return jobId + "/" + deviceId;
    }

    private Instant startOr(Instant now) {
        return startTime == null ? now : startTime;
    }
}
