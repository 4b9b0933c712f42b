package io.hubgate.server.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.rpc.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.hubgate.api.v1.DeviceResult;
import io.hubgate.server.hub.HubErrorMapper;
import io.hubgate.server.hub.RetryPolicy.Repeatability;
import io.hubgate.server.hub.UpstreamCalls;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Batch create and delete through IoT Hub's bulk registry API ({@code POST /devices}), which the
 * SDK does not have: the valid items go in requests of at most {@code limit}, sent in parallel, and
 * each item gets the status a single call would have given it (from the hub's per-item error, its
 * error name mapped by the one error mapper). An item that fails validation is answered at once
 * and never sent.
 *
 * <p>A bulk request is never repeated after its answer was lost (it creates and deletes): its
 * items are then UNAVAILABLE / {@code UPSTREAM_OUTCOME_UNKNOWN}. A throttled one is retried. The
 * hub's bulk answer lists failures only, so a created device is returned as the gateway wrote it:
 * id, status, keys (when asked for) and capabilities, without the etag and generation id only a
 * read would give.
 */
final class BulkRegistry {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BulkRegistry.class);

    private final UpstreamCalls calls;
    private final int limit;

    BulkRegistry(UpstreamCalls calls, int limit) {
        this.calls = calls;
        this.limit = limit;
    }

    /** One batch item: its device, its checks, and what to write. */
    static final class Item {
        private final String deviceId;
        private final Validation validation;
        private final Supplier<JsonObject> device;
        private final String etag;
        private final boolean withKeys;
        private JsonObject written;

        private Item(String deviceId, Validation validation, Supplier<JsonObject> device, String etag, boolean withKeys) {
            this.deviceId = deviceId;
            this.validation = validation;
            this.device = device;
            this.etag = etag;
            this.withKeys = withKeys;
        }

        /** Creates the device {@code device} builds (called only once the item is valid). */
        static Item create(String deviceId, Validation validation, Supplier<JsonObject> device, boolean withKeys) {
            return new Item(deviceId, validation, device, null, withKeys);
        }

        /** Deletes the device; with an etag only while it is current. */
        static Item delete(String deviceId, Validation validation, String etag) {
            return new Item(deviceId, validation, null, etag, false);
        }

        /** The bulk entry: the device with {@code id} and {@code importMode}, or a delete. */
        JsonObject entry() {
            JsonObject entry = new JsonObject();
            entry.addProperty("id", deviceId);
            if (device != null) {
                written = device.get();
                written.entrySet().stream().filter(field -> !field.getKey().equals("deviceId"))
                        .forEach(field -> entry.add(field.getKey(), field.getValue()));
                entry.addProperty("importMode", "create");
            } else if (etag.isEmpty()) {
                entry.addProperty("importMode", "delete");
            } else {
                entry.addProperty("importMode", "deleteIfMatchETag");
                entry.addProperty("eTag", etag);
            }
            return entry;
        }

        DeviceResult succeeded() {
            DeviceResult.Builder result = DeviceResult.newBuilder().setDeviceId(deviceId)
                    .setStatus(com.google.rpc.Status.newBuilder().setCode(Code.OK.getNumber()));
            if (written != null) {
                JsonObject device = written.deepCopy();
                device.addProperty("deviceId", deviceId);
                result.setDevice(IdentityJson.toDevice(device, withKeys));
            }
            return result.build();
        }

        DeviceResult failed(StatusRuntimeException status) {
            return DeviceResult.newBuilder().setDeviceId(deviceId).setStatus(StatusProto.fromThrowable(status)).build();
        }
    }

    /** The result of every item, in item order. */
    CompletableFuture<List<DeviceResult>> run(List<Item> items) {
        List<CompletableFuture<DeviceResult>> results = new ArrayList<>();
        List<Item> chunk = new ArrayList<>();
        List<CompletableFuture<DeviceResult>> chunkResults = new ArrayList<>();
        for (Item item : items) {
            try {
                item.validation.check();
            } catch (StatusRuntimeException invalid) {
                results.add(CompletableFuture.completedFuture(item.failed(invalid)));
                continue;
            }
            CompletableFuture<DeviceResult> result = new CompletableFuture<>();
            results.add(result);
            chunk.add(item);
            chunkResults.add(result);
            if (chunk.size() == limit) {
                send(chunk, chunkResults);
                chunk = new ArrayList<>();
                chunkResults = new ArrayList<>();
            }
        }
        if (!chunk.isEmpty()) {
            send(chunk, chunkResults);
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> results.stream().map(CompletableFuture::join).toList());
    }

    private void send(List<Item> chunk, List<CompletableFuture<DeviceResult>> results) {
        JsonArray entries = new JsonArray();
        chunk.forEach(item -> entries.add(item.entry()));
        // NOT_REPEATABLE without a verifier: only a throttled or never-connected request is sent again.
        calls.submit(Repeatability.NOT_REPEATABLE, upstream -> upstream.rest().bulk(entries)).whenComplete((answer, failure) -> {
            try {
                Map<String, StatusRuntimeException> errors = failure == null ? itemErrors(answer) : Map.of();
                for (int i = 0; i < chunk.size(); i++) {
                    Item item = chunk.get(i);
                    if (failure != null) {
                        results.get(i).complete(item.failed(HubErrorMapper.map(failure)));
                    } else if (errors.containsKey(item.deviceId)) {
                        results.get(i).complete(item.failed(errors.get(item.deviceId)));
                    } else {
                        results.get(i).complete(item.succeeded());
                    }
                }
            } catch (RuntimeException unreadable) {
                // An answer this code cannot read (an odd item, an identity the mapper refuses):
                // whenComplete would swallow it and the batch would never answer. Every item not
                // settled yet fails instead, and the cause is logged once.
                LOG.error("Could not read IoT Hub's bulk answer", unreadable);
                StatusRuntimeException status = HubErrorMapper.map(unreadable);
                for (int i = 0; i < chunk.size(); i++) {
                    results.get(i).complete(chunk.get(i).failed(status));
                }
            }
        });
    }

    /** The hub's per-item failures, by device id, as the statuses single calls would give. */
    private static Map<String, StatusRuntimeException> itemErrors(JsonObject answer) {
        Map<String, StatusRuntimeException> errors = new HashMap<>();
        JsonElement list = answer.get("errors");
        if (list != null && list.isJsonArray()) {
            for (JsonElement error : list.getAsJsonArray()) {
                JsonObject item = error.getAsJsonObject();
                errors.put(IdentityJson.text(item, "deviceId"),
                        HubErrorMapper.fromErrorName(IdentityJson.text(item, "errorCode"), IdentityJson.text(item, "errorStatus")));
            }
        }
        return errors;
    }
}
