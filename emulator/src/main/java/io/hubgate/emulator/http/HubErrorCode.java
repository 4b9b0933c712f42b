package io.hubgate.emulator.http;

/**
 * The IoT Hub error codes the emulator answers with: the six-digit code, its name and the HTTP
 * status it travels with. Numbers and names are the service's own (they are what clients branch on).
 */
public enum HubErrorCode {
    INVALID_OPERATION(400003, "InvalidOperation"),
    ARGUMENT_INVALID(400004, "ArgumentInvalid"),
    ARGUMENT_NULL(400005, "ArgumentNull"),
    IOTHUB_FORMAT_ERROR(400006, "IotHubFormatError"),
    DEVICE_DEFINED_MULTIPLE_TIMES(400011, "DeviceDefinedMultipleTimes"),
    BULK_REGISTRY_OPERATION_FAILURE(400013, "BulkRegistryOperationFailure"),
    IOTHUB_UNAUTHORIZED_ACCESS(401002, "IotHubUnauthorizedAccess"),
    IOTHUB_UNAUTHORIZED(401003, "IotHubUnauthorized"),
    IOTHUB_QUOTA_EXCEEDED(403002, "IotHubQuotaExceeded"),
    JOB_QUOTA_EXCEEDED(403003, "JobQuotaExceeded"),
    DEVICE_NOT_FOUND(404001, "DeviceNotFound"),
    JOB_NOT_FOUND(404002, "JobNotFound"),
    MODULE_NOT_FOUND(404010, "ModuleNotFound"),
    DEVICE_NOT_ONLINE(404103, "DeviceNotOnline"),
    DEVICE_ALREADY_EXISTS(409001, "DeviceAlreadyExists"),
    JOB_ALREADY_EXISTS(409104, "JobAlreadyExists"),
    MODULE_ALREADY_EXISTS_ON_DEVICE(409301, "ModuleAlreadyExistsOnDevice"),
    PRECONDITION_FAILED(412001, "PreconditionFailed"),
    MESSAGE_TOO_LARGE(413001, "MessageTooLarge"),
    TOO_MANY_DEVICES(413002, "TooManyDevices"),
    TOO_MANY_MODULES_ON_DEVICE(413003, "TooManyModulesOnDevice"),
    THROTTLING_EXCEPTION(429001, "ThrottlingException"),
    THROTTLE_BACKLOG_LIMIT_EXCEEDED(429002, "ThrottleBacklogLimitExceeded"),
    SERVER_ERROR(500001, "ServerError"),
    SERVICE_UNAVAILABLE(503001, "ServiceUnavailable"),
    GATEWAY_TIMEOUT(504101, "GatewayTimeout");

    private final int code;
    private final String errorName;

    HubErrorCode(int code, String errorName) {
        this.code = code;
        this.errorName = errorName;
    }

    /** The six-digit code, e.g. 404001. */
    public int code() {
        return code;
    }

    /** The service's name for the code, e.g. {@code DeviceNotFound}. */
    public String errorName() {
        return errorName;
    }

    /** The HTTP status is the first three digits of the code. */
    public int httpStatus() {
        return code / 1000;
    }
}
