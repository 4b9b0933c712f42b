package io.hubgate.emulator.devices;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;

/** A direct-method call as the simulated device received it, kept so tests can check what arrived. */
public record ReceivedCall(String methodName, JsonNode payload, Duration responseTimeout, Duration connectTimeout,
                           Instant receivedAt) {
}
