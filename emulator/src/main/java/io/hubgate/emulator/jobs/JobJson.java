package io.hubgate.emulator.jobs;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.twin.TwinTimes;

import java.time.Instant;

/**
 * The wire form of jobs: a job as a {@code JobResponse} (what {@code GET /jobs/v2/{id}} and job
 * listings return) and a device entry as a {@code devices.jobs} query item, with the service's
 * field names and time format (seven fractional digits, UTC).
 */
final class JobJson {

    private JobJson() {
    }

    public static ObjectNode job(ScheduledJob job) {
        JobSpec spec = job.spec();
        ObjectNode json = Json.object();
        json.put("jobId", job.jobId());
        json.put("type", spec.type().wireName());
        json.put("status", job.status().wireName());
        json.put("queryCondition", spec.queryCondition());
        json.put("createdTime", time(job.createdTime()));
        json.put("startTime", time(spec.startTime()));
        if (job.endTime() != null) {
            json.put("endTime", time(job.endTime()));
        }
        json.put("maxExecutionTimeInSeconds", spec.maxExecutionSeconds());
        if (spec.type() == JobType.UPDATE_TWIN) {
            ObjectNode twin = json.putObject("updateTwin");
            twin.put("etag", "*");
            if (spec.tags() != null) {
                twin.set("tags", spec.tags().deepCopy());
            }
            if (spec.desired() != null) {
                twin.putObject("properties").set("desired", spec.desired().deepCopy());
            }
        } else {
            ObjectNode method = json.putObject("cloudToDeviceMethod");
            method.put("methodName", spec.methodName());
            method.set("payload", spec.payload() == null ? NullNode.getInstance() : spec.payload().deepCopy());
            method.put("responseTimeoutInSeconds", spec.responseTimeout().toSeconds());
            method.put("connectTimeoutInSeconds", spec.connectTimeout().toSeconds());
        }
        if (job.failureReason() != null) {
            json.put("failureReason", job.failureReason());
        }
        if (job.statusMessage() != null) {
            json.put("statusMessage", job.statusMessage());
        }
        JobStatistics statistics = job.statistics();
        ObjectNode counts = json.putObject("deviceJobStatistics");
        counts.put("deviceCount", statistics.deviceCount());
        counts.put("failedCount", statistics.failedCount());
        counts.put("succeededCount", statistics.succeededCount());
        counts.put("runningCount", statistics.runningCount());
        counts.put("pendingCount", statistics.pendingCount());
        return json;
    }

    /**
     * What the service answers to a create: the job's id, type and status only (its own example
     * shows {@code {"jobId":"job01","type":"scheduleDeviceMethod","status":"queued"}}).
     */
    public static ObjectNode accepted(ScheduledJob job) {
        ObjectNode json = Json.object();
        json.put("jobId", job.jobId());
        json.put("type", job.spec().type().wireName());
        json.put("status", job.status().wireName());
        return json;
    }

    /**
     * A {@code devices.jobs} item. A twin job's entry carries {@code "outcome":{"deviceMethodResponse":null}}
     * as the service's documented example does; a method job's carries the device's answer there
     * once it has one. A failed entry carries {@code error} instead of an outcome.
     */
    public static ObjectNode deviceJob(DeviceJob entry) {
        ObjectNode json = Json.object();
        json.put("deviceId", entry.deviceId());
        json.put("jobId", entry.jobId());
        json.put("jobType", entry.type().wireName());
        json.put("status", entry.status().wireName());
        putTime(json, "startTimeUtc", entry.startTime());
        putTime(json, "endTimeUtc", entry.endTime());
        putTime(json, "createdDateTimeUtc", entry.createdTime());
        putTime(json, "lastUpdatedDateTimeUtc", entry.lastUpdated());
        if (entry.errorCode() != null) {
            ObjectNode error = json.putObject("error");
            error.put("code", entry.errorCode());
            error.put("description", entry.errorDescription());
        } else if (entry.type() == JobType.UPDATE_TWIN) {
            json.putObject("outcome").putNull("deviceMethodResponse");
        } else if (entry.methodResponse() != null) {
            json.putObject("outcome").set("deviceMethodResponse", entry.methodResponse().deepCopy());
        }
        return json;
    }

    private static void putTime(ObjectNode json, String field, Instant instant) {
        if (instant != null) {
            json.put(field, time(instant));
        }
    }

    private static String time(Instant instant) {
        return TwinTimes.identity(instant);
    }
}
