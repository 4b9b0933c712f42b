package io.hubgate.server.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.FieldMask;
import io.hubgate.api.v1.DeviceStatus;
import io.hubgate.api.v1.UpdateDeviceRequest;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A validated UpdateDevice request: which fields change. The gateway reads the device, applies
 * the fields to it and writes it back with {@code If-Match} (the caller's etag, or the one it
 * read), so a concurrent writer between the read and the write is refused by IoT Hub (412), never
 * overwritten. (The SDK writes devices with {@code If-Match: *}, which is why updates take the
 * controlled path.)
 */
record DeviceUpdate(String deviceId, String etag, Set<String> paths, io.hubgate.api.v1.Device values) implements IdentityUpdate {

    static final List<String> UPDATABLE = List.of("status", "authentication_type", "symmetric_keys",
            "x509_thumbprints", "iot_edge", "device_scope", "parent_scopes");

    /** @param prefix the request's path in a batch ("requests[2].") or "" */
    static DeviceUpdate of(UpdateDeviceRequest request, String prefix) {
        io.hubgate.api.v1.Device device = request.getDevice();
        Validation validation = new Validation().id(prefix + "device.device_id", device.getDeviceId(), "device id")
                .etag(prefix + "device.etag", device.getEtag());
        Set<String> paths = paths(request.hasUpdateMask() ? request.getUpdateMask() : null, prefix, validation);
        if (paths.contains("authentication_type") || paths.contains("symmetric_keys") || paths.contains("x509_thumbprints")) {
            RequestChecks.credentials(validation, prefix + "device", device.getAuthenticationType(),
                    device.hasSymmetricKeys() ? device.getSymmetricKeys() : null,
                    device.hasX509Thumbprints() ? device.getX509Thumbprints() : null);
        }
        if (paths.contains("status") && device.getStatus() == DeviceStatus.DEVICE_STATUS_UNSPECIFIED) {
            validation.add(prefix + "device.status", "status is in update_mask, so it must be ENABLED or DISABLED");
        }
        validation.check();
        return new DeviceUpdate(device.getDeviceId(), device.getEtag(), paths, device);
    }

    private static Set<String> paths(FieldMask mask, String prefix, Validation validation) {
        Set<String> paths = new LinkedHashSet<>();
        if (mask == null || mask.getPathsCount() == 0) {
            validation.add(prefix + "update_mask", "update_mask is required: name the fields to change, or \"*\" for all of "
                    + String.join(", ", UPDATABLE));
            return paths;
        }
        for (String path : mask.getPathsList()) {
            if (path.equals("*")) {
                paths.addAll(UPDATABLE);
            } else if (UPDATABLE.contains(path)) {
                paths.add(path);
            } else {
                validation.add(prefix + "update_mask", "'" + path + "' cannot be updated; updatable fields are "
                        + String.join(", ", UPDATABLE));
            }
        }
        return paths;
    }

    /** ABORTED when the caller's etag is set and no longer the device's. */
    @Override
    public void checkEtag(String currentEtag) {
        if (!etag.isEmpty() && !etag.equals(currentEtag)) {
            throw io.hubgate.server.errors.GatewayStatus.of(com.google.rpc.Code.ABORTED, "The device " + deviceId + " has changed since etag " + etag
                    + "; read it again and retry", "PreconditionFailed");
        }
    }

    /** The caller's fields, applied to the device as IoT Hub returned it (the body of the conditional PUT). */
    @Override
    public void applyTo(JsonObject device) {
        if (paths.contains("status")) {
            device.addProperty("status", values.getStatus() == DeviceStatus.DEVICE_STATUS_DISABLED ? "disabled" : "enabled");
        }
        if (paths.contains("authentication_type") || paths.contains("symmetric_keys") || paths.contains("x509_thumbprints")) {
            device.add("authentication", UpdatedCredentials.of(device, values.getAuthenticationType(),
                    values.hasSymmetricKeys() ? values.getSymmetricKeys() : null,
                    values.hasX509Thumbprints() ? values.getX509Thumbprints() : null));
        }
        if (paths.contains("iot_edge")) {
            JsonObject capabilities = new JsonObject();
            capabilities.addProperty("iotEdge", values.getIotEdge());
            device.add("capabilities", capabilities);
        }
        if (paths.contains("device_scope")) {
            if (values.getDeviceScope().isEmpty()) {
                device.remove("deviceScope");
            } else {
                device.addProperty("deviceScope", values.getDeviceScope());
            }
        }
        if (paths.contains("parent_scopes")) {
            JsonArray parents = new JsonArray();
            values.getParentScopesList().forEach(parents::add);
            device.add("parentScopes", parents);
        }
    }
}
