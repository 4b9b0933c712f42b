package io.hubgate.emulator.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.api.MethodApi;
import io.hubgate.emulator.api.TwinJson;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.methods.MethodCall;
import io.hubgate.emulator.query.TwinQuery;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Reads a {@code PUT /jobs/v2/{jobId}} body into a {@link JobSpec}, refusing what the service
 * refuses, with its codes: a job id other than 1–64 ASCII letters, digits and dashes, a missing
 * or unknown type, a twin update whose etag is not {@code *} (such a job is a forced update), a
 * method the direct-method API would refuse, a negative execution time (400004 / 400005).
 *
 * <p>It does not evaluate the query condition: as on the service, a condition that does not
 * parse is accepted here and fails the job when it runs (status {@code failed} with the parse
 * error as its {@code failureReason}). Only its length is checked up front.
 */
final class JobRequestReader {

    /** The service's rule for job ids: at most 64 US-ASCII letters, digits and dashes. */
    public static final int MAX_JOB_ID_LENGTH = 64;
    /** What a job may run for when the request does not say (the service's default is one hour). */
    public static final long DEFAULT_MAX_EXECUTION_SECONDS = 3600;

    private static final Set<String> IMPORT_EXPORT_TYPES = Set.of("import", "export", "backup", "restorefrombackup",
            "failoverdatacopy");

    private JobRequestReader() {
    }

    /** Checks a job id from a path. */
    public static void validateJobId(String jobId) {
        if (jobId == null || jobId.isEmpty()) {
            throw HubException.argumentInvalid("The job id is empty");
        }
        if (jobId.length() > MAX_JOB_ID_LENGTH) {
            throw HubException.argumentInvalid("The job id is " + jobId.length() + " characters long; at most "
                    + MAX_JOB_ID_LENGTH + " are allowed");
        }
        for (int i = 0; i < jobId.length(); i++) {
            char c = jobId.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                throw HubException.argumentInvalid("The job id contains " + describe(c) + " at position " + i
                        + "; job ids may contain only US-ASCII letters, digits and '-'");
            }
        }
    }

    /**
     * @param now the hub's time: the start time when the request gives none
     */
    public static JobSpec read(String pathJobId, ObjectNode body, Instant now) {
        validateJobId(pathJobId);
        JsonNode bodyJobId = body.get("jobId");
        if (bodyJobId != null && !bodyJobId.isNull()
                && (!bodyJobId.isTextual() || !bodyJobId.textValue().equals(pathJobId))) {
            throw HubException.argumentInvalid("The body's jobId " + bodyJobId + " differs from the job id in the path, '"
                    + pathJobId + "'");
        }
        JobType type = type(body.get("type"));
        String condition = condition(body.get("queryCondition"));
        Instant startTime = startTime(body.get("startTime"), now);
        long maxExecutionSeconds = maxExecutionSeconds(body.get("maxExecutionTimeInSeconds"));
        return type == JobType.UPDATE_TWIN
                ? twinJob(body, condition, startTime, maxExecutionSeconds)
                : methodJob(body, condition, startTime, maxExecutionSeconds);
    }

    private static JobSpec twinJob(ObjectNode body, String condition, Instant startTime, long maxExecutionSeconds) {
        if (present(body.get("cloudToDeviceMethod"))) {
            throw HubException.argumentInvalid("A scheduleUpdateTwin job takes updateTwin, not cloudToDeviceMethod");
        }
        JsonNode twin = body.get("updateTwin");
        if (!present(twin)) {
            throw new HubException(HubErrorCode.ARGUMENT_NULL, "A scheduleUpdateTwin job needs updateTwin");
        }
        if (!twin.isObject()) {
            throw HubException.argumentInvalid("updateTwin must be a JSON object");
        }
        JsonNode etag = twin.get("etag");
        if (etag == null || !etag.isTextual() || !etag.textValue().replace("\"", "").equals("*")) {
            throw HubException.argumentInvalid("Missing or invalid etag for job type ScheduleUpdateTwin. "
                    + "ScheduleUpdateTwin job type is a force update, which only accepts '*' as the Etag.");
        }
        TwinJson.TwinUpdate update = TwinJson.readUpdate((ObjectNode) twin);
        boolean tags = update.tags() != null && !update.tags().isEmpty();
        boolean desired = update.desired() != null && !update.desired().isEmpty();
        if (!tags && !desired) {
            throw HubException.argumentInvalid("updateTwin changes nothing: give tags or properties.desired");
        }
        return JobSpec.twinUpdate(condition, startTime, maxExecutionSeconds, tags ? update.tags() : null,
                desired ? update.desired() : null);
    }

    private static JobSpec methodJob(ObjectNode body, String condition, Instant startTime, long maxExecutionSeconds) {
        if (present(body.get("updateTwin"))) {
            throw HubException.argumentInvalid("A scheduleDeviceMethod job takes cloudToDeviceMethod, not updateTwin");
        }
        JsonNode method = body.get("cloudToDeviceMethod");
        if (!present(method)) {
            throw new HubException(HubErrorCode.ARGUMENT_NULL, "A scheduleDeviceMethod job needs cloudToDeviceMethod");
        }
        if (!method.isObject()) {
            throw HubException.argumentInvalid("cloudToDeviceMethod must be a JSON object");
        }
        MethodCall call = MethodApi.readCall((ObjectNode) method, null, null);
        return JobSpec.deviceMethod(condition, startTime, maxExecutionSeconds, call.methodName(), call.payload(),
                call.responseTimeout(), call.connectTimeout());
    }

    private static JobType type(JsonNode node) {
        if (!present(node)) {
            throw new HubException(HubErrorCode.ARGUMENT_NULL, "The job's type is required: scheduleUpdateTwin or "
                    + "scheduleDeviceMethod");
        }
        JobType type = node.isTextual() ? JobType.fromWireName(node.textValue()) : null;
        if (type != null) {
            return type;
        }
        if (node.isTextual() && IMPORT_EXPORT_TYPES.contains(node.textValue().toLowerCase(java.util.Locale.ROOT))) {
            throw new HubException(HubErrorCode.INVALID_OPERATION, "Job type " + node.textValue()
                    + " is an import/export job; the emulator does not emulate import/export jobs (blob storage)");
        }
        throw HubException.argumentInvalid("Job type " + node + " cannot be scheduled; use scheduleUpdateTwin or "
                + "scheduleDeviceMethod");
    }

    private static String condition(JsonNode node) {
        if (!present(node) || (node.isTextual() && node.textValue().isBlank())) {
            throw new HubException(HubErrorCode.ARGUMENT_NULL, "queryCondition is required: the WHERE part of a "
                    + "device query, e.g. \"tags.site = 'x'\", or \"*\" for every device");
        }
        if (!node.isTextual()) {
            throw HubException.argumentInvalid("queryCondition must be a string");
        }
        String condition = node.textValue();
        if (condition.length() > TwinQuery.MAX_TEXT_LENGTH) {
            throw HubException.argumentInvalid("queryCondition is " + condition.length() + " characters long; at most "
                    + TwinQuery.MAX_TEXT_LENGTH + " are allowed");
        }
        return condition;
    }

    private static Instant startTime(JsonNode node, Instant now) {
        if (!present(node)) {
            return now;
        }
        if (!node.isTextual()) {
            throw HubException.argumentInvalid("startTime must be an ISO 8601 date and time string");
        }
        String text = node.textValue();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notRfc3339) {
            // The service types startTime as an RFC 3339 date-time, which has a zone; a local time
            // would mean a different instant on every machine, so it is refused rather than guessed.
            String hint = text.matches("\\d{4}-\\d{2}-\\d{2}T[0-9:.]+") ? " has no time zone; add one (e.g. 'Z' for UTC)"
                    : " is not an ISO 8601 date and time with a time zone (e.g. 2031-01-01T02:00:00Z)";
            throw HubException.argumentInvalid("startTime '" + text + "'" + hint);
        }
    }

    private static long maxExecutionSeconds(JsonNode node) {
        if (!present(node)) {
            return DEFAULT_MAX_EXECUTION_SECONDS;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw HubException.argumentInvalid("maxExecutionTimeInSeconds must be a whole number of seconds, 0 or more, not "
                    + node);
        }
        // 0 means "the default", as an absent value does (the Java SDK sends 0 when not told).
        return node.longValue() == 0 ? DEFAULT_MAX_EXECUTION_SECONDS : node.longValue();
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }

    private static String describe(char c) {
        return c < 0x20 || c > 0x7E ? String.format("the character U+%04X", (int) c) : "'" + c + "'";
    }
}
