package io.hubgate.emulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubgate.emulator.json.Json;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** What a handler answers: a status, extra headers and an optional JSON body. */
public final class HubResponse {

    private final int status;
    private final byte[] body;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final CompletionStage<HubResponse> later;

    private HubResponse(int status, byte[] body) {
        this.status = status;
        this.body = body;
        this.later = null;
    }

    private HubResponse(CompletionStage<HubResponse> later) {
        this.status = 0;
        this.body = null;
        this.later = later;
    }

    /**
     * An answer that comes later (a direct method waiting for its simulated device), so that no
     * worker thread is held while waiting. The stage may complete with a {@link HubException}.
     */
    public static HubResponse deferred(CompletionStage<HubResponse> later) {
        return new HubResponse(later);
    }

    /** The pending answer of a deferred response; null for an immediate one. */
    public CompletionStage<HubResponse> later() {
        return later;
    }

    public static HubResponse json(int status, JsonNode body) {
        return new HubResponse(status, Json.bytes(body));
    }

    public static HubResponse ok(JsonNode body) {
        return json(200, body);
    }

    public static HubResponse noContent() {
        return new HubResponse(204, null);
    }

    public HubResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    /** Null for a response without a body. */
    public byte[] body() {
        return body;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
