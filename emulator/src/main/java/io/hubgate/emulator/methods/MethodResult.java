package io.hubgate.emulator.methods;

import com.fasterxml.jackson.databind.JsonNode;

/** What the device answered: its status code and its payload. */
public record MethodResult(int status, JsonNode payload) {
}
