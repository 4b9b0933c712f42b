package io.hubgate.server.hub;

import java.util.Map;

/**
 * IoT Hub's names for its numeric error codes. The SDK's own table lacks several that the
 * service returns (TooManyModulesOnDevice, IotHubUnauthorized, GatewayTimeout), and a client
 * branches on the name, so the gateway keeps the full list.
 */
final class IotHubErrorNames {

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(400001, "InvalidProtocolVersion"), Map.entry(400003, "InvalidOperation"),
            Map.entry(400004, "ArgumentInvalid"), Map.entry(400005, "ArgumentNull"),
            Map.entry(400006, "IotHubFormatError"), Map.entry(400011, "DeviceDefinedMultipleTimes"),
            Map.entry(400013, "BulkRegistryOperationFailure"),
            Map.entry(401002, "IotHubUnauthorizedAccess"), Map.entry(401003, "IotHubUnauthorized"),
            Map.entry(403002, "IotHubQuotaExceeded"), Map.entry(403003, "JobQuotaExceeded"),
            Map.entry(403004, "DeviceMaximumQueueDepthExceeded"),
            Map.entry(404001, "DeviceNotFound"), Map.entry(404002, "JobNotFound"), Map.entry(404010, "ModuleNotFound"),
            Map.entry(404103, "DeviceNotOnline"), Map.entry(404301, "ConfigurationNotFound"),
            Map.entry(409001, "DeviceAlreadyExists"), Map.entry(409104, "JobAlreadyExists"),
            Map.entry(409301, "ModuleAlreadyExistsOnDevice"), Map.entry(409401, "ConfigurationAlreadyExists"),
            Map.entry(412001, "PreconditionFailed"),
            Map.entry(413001, "MessageTooLarge"), Map.entry(413002, "TooManyDevices"),
            Map.entry(413003, "TooManyModulesOnDevice"), Map.entry(413101, "ConfigurationCountLimitExceeded"),
            Map.entry(429001, "ThrottlingException"), Map.entry(429002, "ThrottleBacklogLimitExceeded"),
            Map.entry(429003, "ThrottlingBacklogTimeout"),
            Map.entry(500001, "ServerError"), Map.entry(503001, "ServiceUnavailable"), Map.entry(504101, "GatewayTimeout"));

    private static final Map<Integer, String> BY_HTTP_STATUS = Map.of(
            400, "BadRequest", 401, "Unauthorized", 403, "Forbidden", 404, "NotFound", 409, "Conflict",
            412, "PreconditionFailed", 413, "RequestEntityTooLarge", 429, "ThrottlingException",
            500, "ServerError", 503, "ServiceUnavailable");

    private IotHubErrorNames() {
    }

    /** The six-digit code of an error name (as the bulk API reports per item), or null for an unknown name. */
    static Integer code(String name) {
        return NAMES.entrySet().stream().filter(entry -> entry.getValue().equalsIgnoreCase(name))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /** The name of a six-digit code, else of the HTTP status, else "IotHubError". */
    static String name(int code, int httpStatus) {
        String name = NAMES.get(code);
        if (name == null) {
            name = BY_HTTP_STATUS.get(httpStatus);
        }
        return name == null ? "IotHubError" : name;
    }
}
