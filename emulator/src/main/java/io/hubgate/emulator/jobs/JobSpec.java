package io.hubgate.emulator.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a scheduled job was asked to do, as accepted from its {@code PUT /jobs/v2/{id}} body:
 * the action (a twin patch, or a direct method), the query condition selecting its devices, when
 * to start and how long it may run. Immutable; validation is {@link JobRequestReader}'s.
 *
 * @param tags            twin jobs: tags to merge (null: none)
 * @param desired         twin jobs: desired properties to merge (null: none)
 * @param methodName      method jobs: the method to invoke
 * @param payload         method jobs: its payload (JSON null when none)
 * @param responseTimeout method jobs: how long each device has to answer
 * @param connectTimeout  method jobs: how long to wait for a disconnected device to connect
 */
public record JobSpec(JobType type, String queryCondition, Instant startTime, long maxExecutionSeconds,
                      ObjectNode tags, ObjectNode desired,
                      String methodName, JsonNode payload, Duration responseTimeout, Duration connectTimeout) {

    public JobSpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(queryCondition, "queryCondition");
        Objects.requireNonNull(startTime, "startTime");
    }

    public static JobSpec twinUpdate(String queryCondition, Instant startTime, long maxExecutionSeconds,
                                     ObjectNode tags, ObjectNode desired) {
        return new JobSpec(JobType.UPDATE_TWIN, queryCondition, startTime, maxExecutionSeconds, tags, desired,
                null, null, null, null);
    }

    public static JobSpec deviceMethod(String queryCondition, Instant startTime, long maxExecutionSeconds,
                                       String methodName, JsonNode payload, Duration responseTimeout,
                                       Duration connectTimeout) {
        return new JobSpec(JobType.DEVICE_METHOD, queryCondition, startTime, maxExecutionSeconds, null, null,
                Objects.requireNonNull(methodName), payload, responseTimeout, connectTimeout);
    }
}
