package io.hubgate.server.service;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.hubgate.api.v1.ConnectionState;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.DeviceStatus;
import io.hubgate.api.v1.ListDevicesResponse;
import io.hubgate.api.v1.X509Thumbprints;
import io.hubgate.server.hub.RetryPolicy.Repeatability;
import io.hubgate.server.hub.UpstreamCalls;

import java.util.concurrent.CompletableFuture;

/**
 * Lists the registry in pages of any size through IoT Hub's query API ({@code SELECT * FROM
 * devices}): the Java SDK has no list call, and the REST list stops at 1000 devices. Device
 * fields come from the twin documents the query returns; keys are never listed.
 */
final class DeviceLister {

    static final String QUERY = "SELECT * FROM devices";

    private final UpstreamCalls calls;
    private final PageTokens tokens;

    DeviceLister(UpstreamCalls calls, PageTokens tokens) {
        this.calls = calls;
        this.tokens = tokens;
    }

    CompletableFuture<ListDevicesResponse> page(int pageSize, String pageToken) {
        PageTokens.Binding binding = tokens.bind(PageTokens.Kind.LIST_DEVICES, pageSize);
        QueryPager.Position position = pageToken.isEmpty() ? new QueryPager.Position(QUERY, null, 0)
                : QueryPager.position(QUERY, binding.read(pageToken, "page_token"));
        int size = Validation.effectivePageSize(pageSize);
        return calls.runHere(Repeatability.REPEATABLE, upstream -> {
            QueryPager.Page<Device> page = QueryPager.read(upstream.rest(), position, size, QueryPager.MAX_ITEM_BYTES,
                    DeviceLister::fromTwin);
            ListDevicesResponse.Builder response = ListDevicesResponse.newBuilder().addAllDevices(page.items());
            if (page.next() != null) {
                response.setNextPageToken(binding.mint(QueryPager.cursor(page.next(), "")));
            }
            return response.build();
        });
    }

    static Device fromTwin(JsonObject twin) {
        Device.Builder device = Device.newBuilder()
                .setDeviceId(text(twin, "deviceId"))
                .setEtag(text(twin, "deviceEtag"))
                .setStatus("disabled".equalsIgnoreCase(text(twin, "status"))
                        ? DeviceStatus.DEVICE_STATUS_DISABLED : DeviceStatus.DEVICE_STATUS_ENABLED)
                .setStatusReason(text(twin, "statusReason"))
                .setConnectionState("connected".equalsIgnoreCase(text(twin, "connectionState"))
                        ? ConnectionState.CONNECTION_STATE_CONNECTED : ConnectionState.CONNECTION_STATE_DISCONNECTED)
                .setCloudToDeviceMessageCount(twin.has("cloudToDeviceMessageCount")
                        ? twin.get("cloudToDeviceMessageCount").getAsInt() : 0)
                .setAuthenticationType(authenticationType(text(twin, "authenticationType")))
                .setDeviceScope(text(twin, "deviceScope"));
        JsonElement capabilities = twin.get("capabilities");
        if (capabilities != null && capabilities.isJsonObject() && capabilities.getAsJsonObject().has("iotEdge")) {
            device.setIotEdge(capabilities.getAsJsonObject().get("iotEdge").getAsBoolean());
        }
        JsonElement scopes = twin.get("parentScopes");
        if (scopes != null && scopes.isJsonArray()) {
            scopes.getAsJsonArray().forEach(scope -> device.addParentScopes(scope.getAsString()));
        }
        JsonElement thumbprints = twin.get("x509Thumbprint");
        if (thumbprints != null && thumbprints.isJsonObject() && !text(thumbprints.getAsJsonObject(), "primaryThumbprint").isEmpty()) {
            device.setX509Thumbprints(X509Thumbprints.newBuilder()
                    .setPrimaryThumbprint(text(thumbprints.getAsJsonObject(), "primaryThumbprint"))
                    .setSecondaryThumbprint(text(thumbprints.getAsJsonObject(), "secondaryThumbprint")));
        }
        var statusUpdated = Timestamps.parse(text(twin, "statusUpdateTime"));
        if (statusUpdated != null) {
            device.setStatusUpdatedTime(statusUpdated);
        }
        var lastActivity = Timestamps.parse(text(twin, "lastActivityTime"));
        if (lastActivity != null) {
            device.setLastActivityTime(lastActivity);
        }
        return device.build();
    }

    private static String text(JsonObject object, String field) {
        return IdentityJson.text(object, field);
    }

    private static io.hubgate.api.v1.AuthenticationType authenticationType(String wire) {
        return IdentityJson.authenticationType(wire);
    }
}
