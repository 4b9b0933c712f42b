package io.hubgate.emulator.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.json.Json;

import java.time.Duration;
import java.time.Instant;

/**
 * The on-disk form of jobs and device entries: every field needed to restore them exactly.
 * Private to {@link JobJournal} and versioned by its snapshot, so it may change without touching
 * the wire format ({@link JobJson}).
 */
final class JobCodec {

    private JobCodec() {
    }

    static ObjectNode encode(ScheduledJob job) {
        JobSpec spec = job.spec();
        ObjectNode json = Json.object();
        json.put("id", job.jobId());
        json.put("type", spec.type().name());
        json.put("condition", spec.queryCondition());
        json.put("start", spec.startTime().toString());
        json.put("maxSeconds", spec.maxExecutionSeconds());
        json.set("tags", spec.tags());
        json.set("desired", spec.desired());
        json.put("method", spec.methodName());
        json.set("payload", spec.payload());
        putSeconds(json, "responseSeconds", spec.responseTimeout());
        putSeconds(json, "connectSeconds", spec.connectTimeout());
        json.put("created", job.createdTime().toString());
        json.put("status", job.status().name());
        putInstant(json, "runStarted", job.runStarted());
        putInstant(json, "end", job.endTime());
        json.put("failureReason", job.failureReason());
        json.put("statusMessage", job.statusMessage());
        JobStatistics s = job.statistics();
        ArrayNode stats = json.putArray("stats");
        stats.add(s.deviceCount()).add(s.failedCount()).add(s.succeededCount()).add(s.runningCount()).add(s.pendingCount());
        putInstant(json, "updated", job.lastUpdated());
        return json;
    }

    static ScheduledJob decodeJob(JsonNode json) {
        JobType type = JobType.valueOf(json.get("type").textValue());
        String condition = json.get("condition").textValue();
        Instant start = Instant.parse(json.get("start").textValue());
        long maxSeconds = json.get("maxSeconds").longValue();
        JobSpec spec = type == JobType.UPDATE_TWIN
                ? JobSpec.twinUpdate(condition, start, maxSeconds, object(json.get("tags")), object(json.get("desired")))
                : JobSpec.deviceMethod(condition, start, maxSeconds, json.get("method").textValue(),
                json.get("payload"), Duration.ofSeconds(json.get("responseSeconds").longValue()),
                Duration.ofSeconds(json.get("connectSeconds").longValue()));
        JsonNode stats = json.get("stats");
        return new ScheduledJob(json.get("id").textValue(), spec, Instant.parse(json.get("created").textValue()),
                JobStatus.valueOf(json.get("status").textValue()), instant(json.get("runStarted")),
                instant(json.get("end")), text(json.get("failureReason")), text(json.get("statusMessage")),
                new JobStatistics(stats.get(0).intValue(), stats.get(1).intValue(), stats.get(2).intValue(),
                        stats.get(3).intValue(), stats.get(4).intValue()), instant(json.get("updated")));
    }

    static ObjectNode encode(DeviceJob entry) {
        ObjectNode json = Json.object();
        json.put("job", entry.jobId());
        json.put("device", entry.deviceId());
        json.put("type", entry.type().name());
        json.put("status", entry.status().name());
        putInstant(json, "created", entry.createdTime());
        putInstant(json, "start", entry.startTime());
        putInstant(json, "end", entry.endTime());
        putInstant(json, "updated", entry.lastUpdated());
        json.set("response", entry.methodResponse());
        json.put("errorCode", entry.errorCode());
        json.put("errorDescription", entry.errorDescription());
        return json;
    }

    static DeviceJob decodeEntry(JsonNode json) {
        JsonNode response = json.get("response");
        return new DeviceJob(json.get("job").textValue(), json.get("device").textValue(),
                JobType.valueOf(json.get("type").textValue()), DeviceJobStatus.valueOf(json.get("status").textValue()),
                instant(json.get("created")), instant(json.get("start")), instant(json.get("end")),
                instant(json.get("updated")), response == null || response.isNull() ? null : response,
                text(json.get("errorCode")), text(json.get("errorDescription")));
    }

    private static void putInstant(ObjectNode json, String field, Instant instant) {
        if (instant != null) {
            json.put(field, instant.toString());
        }
    }

    private static void putSeconds(ObjectNode json, String field, Duration duration) {
        if (duration != null) {
            json.put(field, duration.toSeconds());
        }
    }

    private static Instant instant(JsonNode node) {
        return node == null || node.isNull() ? null : Instant.parse(node.textValue());
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.textValue();
    }

    private static ObjectNode object(JsonNode node) {
        return node instanceof ObjectNode object ? object : null;
    }
}
