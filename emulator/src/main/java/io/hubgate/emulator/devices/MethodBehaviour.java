package io.hubgate.emulator.devices;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;

/**
 * How a simulated device answers one direct method.
 *
 * @param status  the status code the device returns
 * @param payload the payload it returns (ignored when {@code echo})
 * @param delay   how long it takes to answer
 * @param answers false: it never answers, so the caller gets 504 / 504101 after its timeout
 * @param echo    answer with the payload the caller sent
 */
public record MethodBehaviour(int status, JsonNode payload, Duration delay, boolean answers, boolean echo) {
}
