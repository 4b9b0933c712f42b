package io.hubgate.server.service;

import com.google.gson.JsonObject;
import io.hubgate.api.v1.UpdateModuleRequest;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A validated UpdateModule request, written back conditionally as devices are (see {@link DeviceUpdate}). */
record ModuleUpdate(String deviceId, String moduleId, String etag, io.hubgate.api.v1.Module values) implements IdentityUpdate {

    static final List<String> UPDATABLE = List.of("authentication_type", "symmetric_keys", "x509_thumbprints");

    static ModuleUpdate of(UpdateModuleRequest request) {
        io.hubgate.api.v1.Module module = request.getModule();
        Validation validation = new Validation()
                .id("module.device_id", module.getDeviceId(), "device id")
                .id("module.module_id", module.getModuleId(), "module id")
                .etag("module.etag", module.getEtag());
        Set<String> paths = new LinkedHashSet<>();
        if (!request.hasUpdateMask() || request.getUpdateMask().getPathsCount() == 0) {
            validation.add("update_mask", "update_mask is required: name the fields to change, or \"*\" for all of "
                    + String.join(", ", UPDATABLE));
        } else {
            for (String path : request.getUpdateMask().getPathsList()) {
                if (path.equals("*")) {
                    paths.addAll(UPDATABLE);
                } else if (UPDATABLE.contains(path)) {
                    paths.add(path);
                } else {
                    validation.add("update_mask", "'" + path + "' cannot be updated; updatable fields are "
                            + String.join(", ", UPDATABLE));
                }
            }
        }
        RequestChecks.credentials(validation, "module", module.getAuthenticationType(),
                module.hasSymmetricKeys() ? module.getSymmetricKeys() : null,
                module.hasX509Thumbprints() ? module.getX509Thumbprints() : null);
        validation.check();
        return new ModuleUpdate(module.getDeviceId(), module.getModuleId(), module.getEtag(), module);
    }

    @Override
    public void checkEtag(String currentEtag) {
        if (!etag.isEmpty() && !etag.equals(currentEtag)) {
            throw io.hubgate.server.errors.GatewayStatus.of(com.google.rpc.Code.ABORTED, "The module " + moduleId + " on device " + deviceId
                    + " has changed since etag " + etag + "; read it again and retry", "PreconditionFailed");
        }
    }

    @Override
    public void applyTo(JsonObject module) {
        module.add("authentication", UpdatedCredentials.of(module, values.getAuthenticationType(),
                values.hasSymmetricKeys() ? values.getSymmetricKeys() : null,
                values.hasX509Thumbprints() ? values.getX509Thumbprints() : null));
    }
}
