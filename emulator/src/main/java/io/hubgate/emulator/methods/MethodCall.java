package io.hubgate.emulator.methods;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;

/**
 * A direct-method call on its way to a device or module.
 *
 * @param moduleId null for a device method
 * @param payload  the JSON payload (JSON null when none)
 */
public record MethodCall(String deviceId, String moduleId, String methodName, JsonNode payload,
                         Duration responseTimeout, Duration connectTimeout) {
}
