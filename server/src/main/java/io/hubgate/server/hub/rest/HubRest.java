package io.hubgate.server.hub.rest;

import com.azure.core.http.HttpMethod;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import io.grpc.Deadline;
import io.hubgate.server.hub.HubErrorMapper;
import io.hubgate.server.hub.HubErrorResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The IoT Hub REST operations the gateway performs on its controlled path, for one attempt of
 * one call: each request is sent once, with ids percent-encoded ({@link HubPath}) and a response
 * timeout of the time the caller's deadline leaves <em>when that request is sent</em>, so that an
 * attempt of several requests (read-modify-write, create then read) never outlives the deadline,
 * and no request is sent once it has passed (DEADLINE_EXCEEDED instead, see
 * {@link HubErrorMapper#deadlinePassed}). Identities, query pages and twins come and go as IoT
 * Hub's JSON (twins as text, which the handlers read in one linear pass); direct-method answers as
 * the SDK's own model type, so that the same mapping serves both paths.
 *
 * <p>Which operations come here, and why, is decided by the handlers (package {@code service});
 * this class only speaks the wire format. {@code If-Match} values are quoted, as the REST reference
 * shows them ({@code "etag"}, or {@code *} for "whatever the current one is").
 */
public final class HubRest {

    private final RestTransport transport;
    /** When the attempt must be over; null: every request gets {@link #atLeast} (a bench's bare transport). */
    private final Deadline deadline;
    /** The shortest response timeout a request gets while the deadline has not passed. */
    private final Duration atLeast;
    /** Whether an earlier attempt's write lost its answer and may still take effect (said when the deadline passes). */
    private final boolean earlierMayApply;

    private HubRest(RestTransport transport, Deadline deadline, Duration atLeast, boolean earlierMayApply) {
        this.transport = transport;
        this.deadline = deadline;
        this.atLeast = atLeast;
        this.earlierMayApply = earlierMayApply;
    }

    /** The operations with a fixed response timeout per request and no deadline: for measuring, never for serving. */
    public static HubRest of(RestTransport transport, Duration timeout) {
        return new HubRest(transport, null, timeout, false);
    }

    /**
     * The operations for one attempt that must end by {@code deadline}: each request waits for
     * the time left when it is sent, but at least {@code atLeast} (a direct method waits for the
     * device's own timeouts, which the caller's deadline has already bounded), and none is sent
     * once the deadline has passed.
     *
     * @param earlierMayApply an earlier attempt of the call lost its answer and may still take
     *                        effect, which the DEADLINE_EXCEEDED of a request not sent then says
     */
    public static HubRest within(RestTransport transport, Deadline deadline, Duration atLeast, boolean earlierMayApply) {
        return new HubRest(transport, deadline, atLeast, earlierMayApply);
    }

    /**
     * The response timeout of a request sent now.
     *
     * @throws io.grpc.StatusRuntimeException DEADLINE_EXCEEDED when the deadline has passed: the
     *                                        request is not sent
     */
    private Duration timeout() {
        if (deadline == null) {
            return atLeast;
        }
        long left = deadline.timeRemaining(TimeUnit.NANOSECONDS);
        if (left <= 0) {
            throw HubErrorMapper.deadlinePassed(earlierMayApply);
        }
        Duration remaining = Duration.ofNanos(left);
        return remaining.compareTo(atLeast) >= 0 ? remaining : atLeast;
    }

    // ---- devices and modules ----

    public JsonObject getDevice(String deviceId) throws IOException, HubErrorResponse {
        return object(transport.send(HttpMethod.GET, HubPath.device(deviceId), Map.of(), null, timeout()));
    }

    /** Creates the device the body describes (a PUT without If-Match: 409 if it exists). */
    public JsonObject createDevice(JsonObject device) throws IOException, HubErrorResponse {
        return object(transport.send(HttpMethod.PUT, HubPath.device(device.get("deviceId").getAsString()), Map.of(),
                device, timeout()));
    }

    /** Replaces the device only while its etag is still {@code etag} (412 otherwise). */
    public JsonObject updateDevice(JsonObject device, String etag) throws IOException, HubErrorResponse {
        return object(transport.send(HttpMethod.PUT, HubPath.device(device.get("deviceId").getAsString()),
                ifMatch(etag), device, timeout()));
    }

    /** Deletes the device; with an etag only while it is still current. */
    public void deleteDevice(String deviceId, String etag) throws IOException, HubErrorResponse {
        transport.send(HttpMethod.DELETE, HubPath.device(deviceId), ifMatch(etag), null, timeout());
    }

    public JsonObject getModule(String deviceId, String moduleId) throws IOException, HubErrorResponse {
        return object(transport.send(HttpMethod.GET, HubPath.module(deviceId, moduleId), Map.of(), null, timeout()));
    }

    public JsonObject createModule(JsonObject module) throws IOException, HubErrorResponse {
        return object(transport.send(HttpMethod.PUT, modulePath(module), Map.of(), module, timeout()));
    }

    public JsonObject updateModule(JsonObject module, String etag) throws IOException, HubErrorResponse {
        return object(transport.send(HttpMethod.PUT, modulePath(module), ifMatch(etag), module, timeout()));
    }

    public void deleteModule(String deviceId, String moduleId, String etag) throws IOException, HubErrorResponse {
        transport.send(HttpMethod.DELETE, HubPath.module(deviceId, moduleId), ifMatch(etag), null, timeout());
    }

    public JsonArray listModules(String deviceId) throws IOException, HubErrorResponse {
        JsonElement body = transport.send(HttpMethod.GET, HubPath.modules(deviceId), Map.of(), null, timeout()).body();
        return body.isJsonArray() ? body.getAsJsonArray() : new JsonArray();
    }

    /**
     * One bulk registry request ({@code POST /devices}, at most 100 items): the hub's
     * {@code {isSuccessful, errors, warnings}}, also when it answers 400 because some items failed.
     *
     * @throws HubErrorResponse when the request as a whole was refused (malformed, too large, throttled …)
     */
    public JsonObject bulk(JsonArray items) throws IOException, HubErrorResponse {
        RestTransport.Raw raw = transport.exchange(HttpMethod.POST, HubPath.devices(), Map.of(), items, timeout());
        if (raw.status() < 300) {
            return raw.json().getAsJsonObject();
        }
        if (raw.status() == 400) {
            try {
                JsonElement body = raw.json();
                if (body.isJsonObject() && body.getAsJsonObject().has("errors")
                        && body.getAsJsonObject().get("errors").isJsonArray()) {
                    return body.getAsJsonObject();
                }
            } catch (RuntimeException notJson) {
                // not the per-item shape: the request itself was refused
            }
        }
        throw raw.error();
    }

    // ---- twins, queries and direct methods ----

    /**
     * A device's twin, or a module's when {@code moduleId} is not empty, as the JSON text IoT Hub
     * sent: read into the API's twin in one linear pass by the caller, never by the SDK's
     * {@code Twin.fromJson} (quadratic in the number of keys).
     */
    public String getTwin(String deviceId, String moduleId) throws IOException, HubErrorResponse {
        return transport.send(HttpMethod.GET, HubPath.twin(deviceId, moduleId), Map.of(), null, timeout()).text();
    }

    /**
     * Merges {@code patch} ({@code {"tags":…,"properties":{"desired":…}}}); with an etag only while
     * it is current. Returns the whole twin after the merge, as JSON text.
     */
    public String patchTwin(String deviceId, String moduleId, JsonObject patch, String etag) throws IOException, HubErrorResponse {
        return transport.send(HttpMethod.PATCH, HubPath.twin(deviceId, moduleId), ifMatch(etag), patch, timeout()).text();
    }

    /** Replaces tags and desired properties; with an etag only while it is current. Returns the twin as JSON text. */
    public String replaceTwin(String deviceId, String moduleId, JsonObject twin, String etag) throws IOException, HubErrorResponse {
        return transport.send(HttpMethod.PUT, HubPath.twin(deviceId, moduleId), ifMatch(etag), twin, timeout()).text();
    }

    /** One upstream page of a query: its items, and where the next page starts (null on the last). */
    public record QueryPage(JsonArray items, String continuation) {
    }

    /**
     * One page of an IoT Hub query ({@code POST /devices/query}): at most {@code pageSize} items
     * ({@code x-ms-max-item-count}), from {@code continuation} (null: the first page).
     *
     * @param query ASCII query text (the caller escapes what is not)
     */
    public QueryPage query(String query, int pageSize, String continuation) throws IOException, HubErrorResponse {
        JsonObject body = new JsonObject();
        body.addProperty("query", query);
        Map<String, String> headers = continuation == null || continuation.isEmpty()
                ? Map.of("x-ms-max-item-count", Integer.toString(pageSize))
                : Map.of("x-ms-max-item-count", Integer.toString(pageSize), "x-ms-continuation", continuation);
        RestTransport.Answer answer = transport.send(HttpMethod.POST, HubPath.query(), headers, body, timeout());
        JsonElement items = answer.body();
        String next = answer.continuation();
        return new QueryPage(items.isJsonArray() ? items.getAsJsonArray() : new JsonArray(),
                next == null || next.isEmpty() ? null : next);
    }

    /** Invokes a direct method ({@code {"methodName":…,"responseTimeoutInSeconds":…,"payload":…}}). */
    public DirectMethodResponse invokeMethod(String deviceId, String moduleId, JsonObject request)
            throws IOException, HubErrorResponse {
        JsonElement body = transport.send(HttpMethod.POST, HubPath.methods(deviceId, moduleId), Map.of(), request, timeout()).body();
        JsonObject answer = body.isJsonObject() ? body.getAsJsonObject() : new JsonObject();
        JsonElement status = answer.get("status");
        return new DirectMethodResponse(status == null || status.isJsonNull() ? null : status.getAsInt(), answer.get("payload"));
    }

    private static HubPath modulePath(JsonObject module) {
        return HubPath.module(module.get("deviceId").getAsString(), module.get("moduleId").getAsString());
    }

    /** {@code If-Match: "etag"}, or {@code *} when there is no etag to hold the write to. */
    static Map<String, String> ifMatch(String etag) {
        return Map.of("If-Match", etag == null || etag.isEmpty() ? "*" : "\"" + etag + "\"");
    }

    private static JsonObject object(RestTransport.Answer answer) {
        return answer.body().isJsonObject() ? answer.body().getAsJsonObject() : new JsonObject();
    }

}
