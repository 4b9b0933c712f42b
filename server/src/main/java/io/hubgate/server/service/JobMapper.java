package io.hubgate.server.service;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.microsoft.azure.sdk.iot.service.jobs.JobStatistics;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJob;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobStatus;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobType;
import com.microsoft.azure.sdk.iot.service.twin.TwinCollection;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobDevice;
import io.hubgate.api.v1.JobDeviceError;
import io.hubgate.api.v1.JobDeviceState;
import io.hubgate.api.v1.JobState;
import io.hubgate.api.v1.JobType;
import io.hubgate.api.v1.MethodInvocation;
import io.hubgate.api.v1.MethodResult;
import io.hubgate.api.v1.TwinUpdate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps IoT Hub's jobs to the API: the SDK's {@link ScheduledJob} (a job) to {@link Job}, and a
 * raw {@code devices.jobs} item to {@link JobDevice}. Device entries are read from the query's
 * JSON rather than through the SDK's model, which cannot represent them: iot-service-client
 * 2.1.9 fails on a method job's entry that carries the device's answer (it looks for the
 * answer in a field the service does not send) and on the service's device-entry states
 * {@code pending} and {@code canceled}, which its enumeration lacks.
 */
final class JobMapper {

    private JobMapper() {
    }

    static Job toProto(ScheduledJob job) {
        Job.Builder proto = Job.newBuilder().setJobId(job.getJobId())
                .setState(state(job.getJobStatus()));
        if (job.getQueryCondition() != null) {
            proto.setQueryCondition(job.getQueryCondition());
        }
        if (job.getJobType() == ScheduledJobType.scheduleUpdateTwin) {
            TwinUpdate.Builder update = TwinUpdate.newBuilder();
            if (job.getUpdateTwin() != null) {
                update.setTags(struct(job.getUpdateTwin().getTags()));
                update.setDesired(struct(job.getUpdateTwin().getDesiredProperties()));
            }
            proto.setTwinUpdate(update);
        } else if (job.getJobType() == ScheduledJobType.scheduleDeviceMethod) {
            proto.setMethodInvocation(method(job.getCloudToDeviceMethod()));
        }
        set(Timestamps.of(job.getStartTime()), proto::setStartTime);
        set(Timestamps.of(job.getCreatedTime()), proto::setCreateTime);
        set(Timestamps.of(job.getEndTime()), proto::setEndTime);
        if (job.getMaxExecutionTimeInSeconds() != null) {
            proto.setMaxExecutionTime(Duration.newBuilder().setSeconds(job.getMaxExecutionTimeInSeconds()));
        }
        if (job.getFailureReason() != null) {
            proto.setFailureReason(job.getFailureReason());
        }
        if (job.getStatusMessage() != null) {
            proto.setStatusMessage(job.getStatusMessage());
        }
        JobStatistics statistics = job.getJobStatistics();
        if (statistics != null) {
            proto.setStatistics(io.hubgate.api.v1.JobStatistics.newBuilder()
                    .setDeviceCount(statistics.getDeviceCount()).setFailedCount(statistics.getFailedCount())
                    .setSucceededCount(statistics.getSucceededCount()).setRunningCount(statistics.getRunningCount())
                    .setPendingCount(statistics.getPendingCount()));
        }
        return proto.build();
    }

    /** The type of a job, from which of its actions is set. */
    static JobType type(Job job) {
        return switch (job.getActionCase()) {
            case TWIN_UPDATE -> JobType.JOB_TYPE_TWIN_UPDATE;
            case METHOD_INVOCATION -> JobType.JOB_TYPE_METHOD_INVOCATION;
            case ACTION_NOT_SET -> JobType.JOB_TYPE_UNSPECIFIED;
        };
    }

    static ScheduledJobType sdkType(JobType type) {
        return switch (type) {
            case JOB_TYPE_TWIN_UPDATE -> ScheduledJobType.scheduleUpdateTwin;
            case JOB_TYPE_METHOD_INVOCATION -> ScheduledJobType.scheduleDeviceMethod;
            default -> null;
        };
    }

    static ScheduledJobStatus sdkStatus(JobState state) {
        return switch (state) {
            case JOB_STATE_QUEUED -> ScheduledJobStatus.queued;
            case JOB_STATE_SCHEDULED -> ScheduledJobStatus.scheduled;
            case JOB_STATE_RUNNING -> ScheduledJobStatus.running;
            case JOB_STATE_COMPLETED -> ScheduledJobStatus.completed;
            case JOB_STATE_FAILED -> ScheduledJobStatus.failed;
            case JOB_STATE_CANCELLED -> ScheduledJobStatus.cancelled;
            default -> null;
        };
    }

    static JobState state(ScheduledJobStatus status) {
        if (status == null) {
            return JobState.JOB_STATE_UNSPECIFIED;
        }
        return switch (status) {
            case queued, enqueued -> JobState.JOB_STATE_QUEUED;
            case scheduled -> JobState.JOB_STATE_SCHEDULED;
            case running -> JobState.JOB_STATE_RUNNING;
            case completed -> JobState.JOB_STATE_COMPLETED;
            case failed -> JobState.JOB_STATE_FAILED;
            case cancelled -> JobState.JOB_STATE_CANCELLED;
            case unknown -> JobState.JOB_STATE_UNSPECIFIED;
        };
    }

    static boolean isTerminal(JobState state) {
        return state == JobState.JOB_STATE_COMPLETED || state == JobState.JOB_STATE_FAILED
                || state == JobState.JOB_STATE_CANCELLED;
    }

    /** A {@code devices.jobs} item as the service sends it. */
    static JobDevice device(JsonObject item) {
        JobDevice.Builder device = JobDevice.newBuilder().setDeviceId(text(item, "deviceId"))
                .setState(deviceState(text(item, "status")));
        set(Timestamps.parse(text(item, "createdDateTimeUtc")), device::setCreateTime);
        set(Timestamps.parse(text(item, "startTimeUtc")), device::setStartTime);
        set(Timestamps.parse(text(item, "endTimeUtc")), device::setEndTime);
        set(Timestamps.parse(text(item, "lastUpdatedDateTimeUtc")), device::setUpdateTime);
        JsonElement outcome = item.get("outcome");
        if (outcome != null && outcome.isJsonObject()) {
            JsonElement response = outcome.getAsJsonObject().get("deviceMethodResponse");
            if (response != null && response.isJsonObject()) {
                JsonObject answer = response.getAsJsonObject();
                MethodResult.Builder result = MethodResult.newBuilder();
                JsonElement status = answer.get("status");
                if (status != null && status.isJsonPrimitive() && status.getAsJsonPrimitive().isNumber()) {
                    result.setStatus(status.getAsInt());
                }
                result.setPayload(StructConverter.fromGson(answer.get("payload")));
                device.setMethodResult(result);
            }
        }
        JsonElement error = item.get("error");
        if (error != null && error.isJsonObject()) {
            device.setError(JobDeviceError.newBuilder().setCode(text(error.getAsJsonObject(), "code"))
                    .setDescription(text(error.getAsJsonObject(), "description")));
        }
        return device.build();
    }

    private static JobDeviceState deviceState(String status) {
        return switch (status == null ? "" : status.toLowerCase(java.util.Locale.ROOT)) {
            case "pending" -> JobDeviceState.JOB_DEVICE_STATE_PENDING;
            case "scheduled" -> JobDeviceState.JOB_DEVICE_STATE_SCHEDULED;
            case "running" -> JobDeviceState.JOB_DEVICE_STATE_RUNNING;
            case "completed" -> JobDeviceState.JOB_DEVICE_STATE_COMPLETED;
            case "failed" -> JobDeviceState.JOB_DEVICE_STATE_FAILED;
            case "canceled", "cancelled" -> JobDeviceState.JOB_DEVICE_STATE_CANCELLED;
            default -> JobDeviceState.JOB_DEVICE_STATE_UNSPECIFIED;
        };
    }

    /** The SDK keeps a method job's method as the JSON the service sent. */
    private static MethodInvocation method(String json) {
        MethodInvocation.Builder method = MethodInvocation.newBuilder();
        if (json == null) {
            return method.build();
        }
        JsonObject parsed = JsonParser.parseString(json).getAsJsonObject();
        method.setMethodName(text(parsed, "methodName"));
        if (parsed.has("payload")) {
            method.setPayload(StructConverter.fromGson(parsed.get("payload")));
        }
        JsonElement response = parsed.get("responseTimeoutInSeconds");
        if (response != null && !response.isJsonNull()) {
            method.setResponseTimeout(Duration.newBuilder().setSeconds(response.getAsLong()));
        }
        JsonElement connect = parsed.get("connectTimeoutInSeconds");
        if (connect != null && !connect.isJsonNull()) {
            method.setConnectTimeout(Duration.newBuilder().setSeconds(connect.getAsLong()));
        }
        return method.build();
    }

    /** A twin section without IoT Hub's $version and $metadata. */
    private static Struct struct(TwinCollection collection) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (collection != null) {
            collection.forEach((key, value) -> {
                if (!key.startsWith("$")) {
                    values.put(key, value);
                }
            });
        }
        return StructConverter.toStruct(values);
    }

    private static String text(JsonObject json, String field) {
        JsonElement value = json.get(field);
        return value == null || value.isJsonNull() ? "" : value.getAsString();
    }

    private static <T> void set(T value, java.util.function.Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }
}
