package io.hubgate.server.service;

import com.google.gson.JsonObject;
import io.hubgate.server.hub.HubErrorResponse;

/** Reads made while settling a lost answer (see {@link io.hubgate.server.hub.Verifier}). */
final class Lost {

    /** A read of one identity. */
    @FunctionalInterface
    interface Read {
        JsonObject get() throws Exception;
    }

    private Lost() {
    }

    /** The identity, or null when IoT Hub says it does not exist (404); any other failure propagates. */
    static JsonObject orNull(Read read) throws Exception {
        try {
            return read.get();
        } catch (HubErrorResponse answer) {
            if (answer.httpStatus() == 404) {
                return null;
            }
            throw answer;
        }
    }
}
