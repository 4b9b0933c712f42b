package io.hubgate.server.service;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.jobs.DirectMethodsJobOptions;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobsClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.MethodInvocation;
import io.hubgate.api.v1.TwinUpdate;

import java.io.IOException;
import java.util.Date;

/**
 * Schedules one job through the SDK and returns it as IoT Hub then holds it. Creating is made
 * safe to repeat: the job id and start time are fixed before the first attempt, and when IoT Hub
 * answers that the id is taken, the job under it is compared with the request; the same job is
 * returned as created (a retry whose first attempt landed, by the gateway or by the caller),
 * a different one stays ALREADY_EXISTS.
 */
final class JobCreation {

    /** What a job may run for when the caller does not say: IoT Hub's own default, one hour. */
    static final long DEFAULT_MAX_EXECUTION_SECONDS = 3600;

    private final String jobId;
    private final Job requested;
    private final Date startTime;
    private final long maxExecutionSeconds;

    /** @param requested a request JobChecks accepted */
    JobCreation(String jobId, Job requested) {
        this.jobId = jobId;
        this.requested = requested;
        this.startTime = requested.hasStartTime() ? new Date(millis(requested.getStartTime())) : new Date();
        this.maxExecutionSeconds = requested.hasMaxExecutionTime() ? requested.getMaxExecutionTime().getSeconds()
                : DEFAULT_MAX_EXECUTION_SECONDS;
    }

    private static long millis(com.google.protobuf.Timestamp timestamp) {
        return timestamp.getSeconds() * 1000 + timestamp.getNanos() / 1_000_000;
    }

    Job run(ScheduledJobsClient client) throws IOException, IotHubException {
        try {
            schedule(client);
        } catch (IotHubConflictException taken) {
            Job existing = JobMapper.toProto(client.get(jobId));
            if (sameJob(existing)) {
                return existing;
            }
            throw taken;
        }
        // IoT Hub answers a create with the id, type and state only; the caller gets the whole job.
        return JobMapper.toProto(client.get(jobId));
    }

    private void schedule(ScheduledJobsClient client) throws IOException, IotHubException {
        String condition = requested.getQueryCondition();
        if (requested.hasTwinUpdate()) {
            TwinUpdate update = requested.getTwinUpdate();
            Twin twin = new Twin();
            // TwinCollection.putAll refuses an empty map; an empty section stays as built.
            if (update.getTags().getFieldsCount() > 0) {
                twin.getTags().putAll(StructConverter.toMap(update.getTags()));
            }
            if (update.getDesired().getFieldsCount() > 0) {
                twin.getDesiredProperties().putAll(StructConverter.toMap(update.getDesired()));
            }
            client.scheduleUpdateTwin(jobId, condition, twin, startTime, maxExecutionSeconds);
            return;
        }
        MethodInvocation method = requested.getMethodInvocation();
        DirectMethodsJobOptions options = DirectMethodsJobOptions.builder()
                .payload(method.hasPayload() ? StructConverter.toJava(method.getPayload()) : null)
                .methodResponseTimeoutSeconds(method.hasResponseTimeout() ? (int) method.getResponseTimeout().getSeconds()
                        : MethodServiceImpl.DEFAULT_RESPONSE_TIMEOUT_SECONDS)
                .methodConnectTimeoutSeconds(method.hasConnectTimeout() ? (int) method.getConnectTimeout().getSeconds() : 0)
                .maxExecutionTimeSeconds((int) Math.min(Integer.MAX_VALUE, maxExecutionSeconds))
                .build();
        client.scheduleDirectMethod(jobId, condition, method.getMethodName(), startTime, options);
    }

    /** Whether the job under our id is the one this request describes (what it does, where, for how long, and when if said). */
    private boolean sameJob(Job existing) {
        if (!existing.getQueryCondition().equals(requested.getQueryCondition())
                || existing.getMaxExecutionTime().getSeconds() != maxExecutionSeconds
                || existing.getActionCase() != requested.getActionCase()) {
            return false;
        }
        if (requested.hasStartTime() && Math.abs(millis(existing.getStartTime()) - startTime.getTime()) > 999) {
            return false;
        }
        if (requested.hasTwinUpdate()) {
            return existing.getTwinUpdate().getTags().equals(requested.getTwinUpdate().getTags())
                    && existing.getTwinUpdate().getDesired().equals(requested.getTwinUpdate().getDesired());
        }
        MethodInvocation mine = requested.getMethodInvocation();
        MethodInvocation theirs = existing.getMethodInvocation();
        return theirs.getMethodName().equals(mine.getMethodName())
                && StructConverter.toGson(theirs.getPayload()).equals(StructConverter.toGson(mine.getPayload()));
    }
}
