package io.hubgate.server.service;

import com.google.protobuf.Duration;
import io.hubgate.api.v1.CreateJobRequest;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobState;
import io.hubgate.api.v1.JobType;
import io.hubgate.api.v1.ListJobsRequest;
import io.hubgate.api.v1.MethodInvocation;
import io.hubgate.api.v1.TwinUpdate;

/**
 * Checks job requests before anything reaches IoT Hub, with IoT Hub's own rules, so that a bad
 * field is an INVALID_ARGUMENT naming it rather than a hub error: job ids (1 to 64 ASCII
 * letters, digits and '-'), the query condition (required, at most {@link #MAX_CONDITION_LENGTH}
 * characters, non-ASCII only inside string literals as for any query ({@link QueryText}); its
 * syntax is IoT Hub's to judge when the job starts), the action (twin keys and
 * sizes as for UpdateTwin; method name (IoT Hub's rule), timeouts and payload as for InvokeMethod) and the
 * maximum execution time (whole seconds, at least one).
 */
final class JobChecks {

    static final int MAX_JOB_ID_LENGTH = 64;
    /**
     * IoT Hub documents one limit for query text, 8192 characters, and none of its own for a job's
     * condition (the WHERE part of such a query); the gateway holds the condition to that limit,
     * as the emulator does, rather than guess a smaller one.
     */
    static final int MAX_CONDITION_LENGTH = QueryResults.MAX_QUERY_LENGTH;

    private JobChecks() {
    }

    /** Adds a violation when {@code jobId} is not a job id IoT Hub accepts (empty allowed if {@code optional}). */
    static Validation jobId(Validation validation, String field, String jobId, boolean optional) {
        if (jobId.isEmpty()) {
            if (!optional) {
                validation.add(field, "the job id is required");
            }
            return validation;
        }
        if (jobId.length() > MAX_JOB_ID_LENGTH) {
            validation.add(field, "a job id is at most " + MAX_JOB_ID_LENGTH + " characters, not " + jobId.length());
            return validation;
        }
        for (int i = 0; i < jobId.length(); i++) {
            char c = jobId.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                validation.add(field, "a job id may contain only ASCII letters, digits and '-'; found "
                        + (c < 0x20 || c > 0x7E ? String.format("U+%04X", (int) c) : "'" + c + "'") + " at position " + i);
                return validation;
            }
        }
        return validation;
    }

    /**
     * Adds a violation for a filter value the API does not define: an unknown type or state is
     * neither "every type" nor a type, so it is refused rather than read as no filter.
     */
    static Validation listFilters(Validation validation, ListJobsRequest request) {
        if (request.getType() == JobType.UNRECOGNIZED) {
            validation.add("type", "type is a JobType (0 to " + (JobType.values().length - 2) + "), not " + request.getTypeValue());
        }
        if (request.getState() == JobState.UNRECOGNIZED) {
            validation.add("state", "state is a JobState (0 to " + (JobState.values().length - 2) + "), not " + request.getStateValue());
        }
        return validation;
    }

    static void create(Validation validation, CreateJobRequest request) {
        jobId(validation, "job_id", request.getJobId(), true);
        if (!request.hasJob()) {
            validation.add("job", "the job is required: its action, query condition and times");
            return;
        }
        Job job = request.getJob();
        if (!job.getJobId().isEmpty() && !job.getJobId().equals(request.getJobId())) {
            validation.add("job.job_id", "job_id is output only; set the request's job_id instead");
        }
        String condition = job.getQueryCondition();
        if (condition.isBlank()) {
            validation.add("job.query_condition", "the query condition is required: the WHERE part of a device query, "
                    + "e.g. \"tags.site = 'ams'\", or \"*\" for every device");
        } else if (condition.length() > MAX_CONDITION_LENGTH) {
            validation.add("job.query_condition", "the query condition is at most " + MAX_CONDITION_LENGTH
                    + " characters, not " + condition.length());
        } else {
            // The same text rule as QueryTwins: a character the query language cannot carry is
            // the caller's error now, not a job that fails when it starts.
            String unsendable = QueryText.unsendable(condition);
            if (unsendable != null) {
                validation.add("job.query_condition", unsendable);
            }
        }
        if (job.hasMaxExecutionTime()) {
            Duration max = job.getMaxExecutionTime();
            if (max.getNanos() != 0 || max.getSeconds() < 1) {
                validation.add("job.max_execution_time", "the maximum execution time is whole seconds, at least 1");
            }
        }
        if (job.hasStartTime() && (job.getStartTime().getSeconds() < 0 || job.getStartTime().getNanos() < 0)) {
            validation.add("job.start_time", "the start time must be after 1970");
        }
        switch (job.getActionCase()) {
            case TWIN_UPDATE -> twinUpdate(validation, job.getTwinUpdate());
            case METHOD_INVOCATION -> method(validation, job.getMethodInvocation());
            case ACTION_NOT_SET -> validation.add("job.action", "say what the job does: twin_update or method_invocation");
        }
    }

    private static void twinUpdate(Validation validation, TwinUpdate update) {
        if (update.hasTags()) {
            TwinChecks.section(validation, "job.twin_update.tags", update.getTags());
        }
        if (update.hasDesired()) {
            TwinChecks.section(validation, "job.twin_update.desired", update.getDesired());
        }
        if (update.getTags().getFieldsCount() == 0 && update.getDesired().getFieldsCount() == 0) {
            validation.add("job.twin_update", "nothing to update: give tags or desired properties");
        }
    }

    private static void method(Validation validation, MethodInvocation method) {
        // IoT Hub's rule for method names, as for InvokeMethod (the SDK refuses others with an
        // IllegalArgumentException, which would be the gateway's fault).
        validation.methodName("job.method_invocation.method_name", method.getMethodName());
        MethodServiceImpl.seconds(validation, "job.method_invocation.response_timeout",
                method.hasResponseTimeout() ? method.getResponseTimeout() : null,
                MethodServiceImpl.DEFAULT_RESPONSE_TIMEOUT_SECONDS, MethodServiceImpl.MIN_RESPONSE_TIMEOUT_SECONDS);
        MethodServiceImpl.seconds(validation, "job.method_invocation.connect_timeout",
                method.hasConnectTimeout() ? method.getConnectTimeout() : null, 0, 0);
        // Finite numbers first: measuring the size serializes the payload, and JSON has no NaN.
        if (method.hasPayload() && PayloadChecks.finiteNumbers(validation, "job.method_invocation.payload", method.getPayload())
                && MethodServiceImpl.payloadBytes(method.getPayload()) > MethodServiceImpl.MAX_PAYLOAD_BYTES) {
            validation.add("job.method_invocation.payload", "the payload is larger than "
                    + MethodServiceImpl.MAX_PAYLOAD_BYTES + " bytes once serialized");
        }
    }
}
