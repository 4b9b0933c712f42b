package io.hubgate.server.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.hubgate.api.v1.AuthenticationType;
import io.hubgate.api.v1.ConnectionState;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.DeviceStatus;
import io.hubgate.api.v1.Module;
import io.hubgate.api.v1.SymmetricKeys;
import io.hubgate.api.v1.X509Thumbprints;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * Devices and modules as IoT Hub's REST API writes them (JSON), mapped to and from the proto API.
 * Identities go through the controlled path (see {@link RegistryServiceImpl}), so this is the one
 * identity mapping; the SDK's model classes cannot be built from JSON outside the SDK.
 *
 * <p>Keys are copied into a proto only when the caller asked for them (and was allowed to: that
 * check is the caller's). New SAS identities get keys made here, as the SDK made them, so that a
 * create whose answer was lost can be recognised by its keys.
 */
final class IdentityJson {

    /** Bytes of a generated symmetric key (IoT Hub's own keys are 32 bytes). */
    static final int GENERATED_KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private IdentityJson() {
    }

    static Device toDevice(JsonObject json, boolean withKeys) {
        Device.Builder proto = Device.newBuilder()
                .setDeviceId(text(json, "deviceId"))
                .setEtag(text(json, "etag"))
                .setGenerationId(text(json, "generationId"))
                .setStatus("disabled".equalsIgnoreCase(text(json, "status"))
                        ? DeviceStatus.DEVICE_STATUS_DISABLED : DeviceStatus.DEVICE_STATUS_ENABLED)
                .setStatusReason(text(json, "statusReason"))
                .setConnectionState(connectionState(text(json, "connectionState")))
                .setCloudToDeviceMessageCount(integer(json, "cloudToDeviceMessageCount"))
                .setAuthenticationType(authenticationType(text(object(json, "authentication"), "type")))
                .setIotEdge(object(json, "capabilities").has("iotEdge") && !object(json, "capabilities").get("iotEdge").isJsonNull()
                        && object(json, "capabilities").get("iotEdge").getAsBoolean())
                .setDeviceScope(text(json, "deviceScope"));
        JsonElement scopes = json.get("parentScopes");
        if (scopes != null && scopes.isJsonArray()) {
            scopes.getAsJsonArray().forEach(scope -> proto.addParentScopes(scope.getAsString()));
        }
        setIfPresent(Timestamps.parse(text(json, "statusUpdatedTime")), proto::setStatusUpdatedTime);
        setIfPresent(Timestamps.parse(text(json, "connectionStateUpdatedTime")), proto::setConnectionStateUpdatedTime);
        setIfPresent(Timestamps.parse(text(json, "lastActivityTime")), proto::setLastActivityTime);
        setIfPresent(thumbprints(json), proto::setX509Thumbprints);
        setIfPresent(withKeys ? keys(json) : null, proto::setSymmetricKeys);
        return proto.build();
    }

    static Module toModule(JsonObject json, boolean withKeys) {
        Module.Builder proto = Module.newBuilder()
                .setDeviceId(text(json, "deviceId"))
                .setModuleId(text(json, "moduleId"))
                .setEtag(text(json, "etag"))
                .setGenerationId(text(json, "generationId"))
                .setManagedBy(text(json, "managedBy"))
                .setConnectionState(connectionState(text(json, "connectionState")))
                .setCloudToDeviceMessageCount(integer(json, "cloudToDeviceMessageCount"))
                .setAuthenticationType(authenticationType(text(object(json, "authentication"), "type")));
        setIfPresent(Timestamps.parse(text(json, "connectionStateUpdatedTime")), proto::setConnectionStateUpdatedTime);
        setIfPresent(Timestamps.parse(text(json, "lastActivityTime")), proto::setLastActivityTime);
        setIfPresent(thumbprints(json), proto::setX509Thumbprints);
        setIfPresent(withKeys ? keys(json) : null, proto::setSymmetricKeys);
        return proto.build();
    }

    /** The body of a device create (already validated); SAS keys are generated when none are given. */
    static JsonObject newDevice(Device proto) {
        JsonObject json = new JsonObject();
        json.addProperty("deviceId", proto.getDeviceId());
        json.addProperty("status", proto.getStatus() == DeviceStatus.DEVICE_STATUS_DISABLED ? "disabled" : "enabled");
        json.add("authentication", authentication(proto.getAuthenticationType(),
                proto.hasSymmetricKeys() ? proto.getSymmetricKeys() : null,
                proto.hasX509Thumbprints() ? proto.getX509Thumbprints() : null));
        JsonObject capabilities = new JsonObject();
        capabilities.addProperty("iotEdge", proto.getIotEdge());
        json.add("capabilities", capabilities);
        if (!proto.getDeviceScope().isEmpty()) {
            json.addProperty("deviceScope", proto.getDeviceScope());
        }
        JsonArray parents = new JsonArray();
        proto.getParentScopesList().forEach(parents::add);
        json.add("parentScopes", parents);
        return json;
    }

    /** The body of a module create (already validated). */
    static JsonObject newModule(Module proto) {
        JsonObject json = new JsonObject();
        json.addProperty("deviceId", proto.getDeviceId());
        json.addProperty("moduleId", proto.getModuleId());
        json.add("authentication", authentication(proto.getAuthenticationType(),
                proto.hasSymmetricKeys() ? proto.getSymmetricKeys() : null,
                proto.hasX509Thumbprints() ? proto.getX509Thumbprints() : null));
        return json;
    }

    /**
     * An {@code authentication} object: self-signed with its thumbprints, CA, or SAS with the given
     * keys (or generated ones when none are given).
     */
    static JsonObject authentication(AuthenticationType type, SymmetricKeys keys, X509Thumbprints thumbprints) {
        JsonObject authentication = new JsonObject();
        switch (type) {
            case AUTHENTICATION_TYPE_SELF_SIGNED -> {
                authentication.addProperty("type", "selfSigned");
                JsonObject x509 = new JsonObject();
                x509.addProperty("primaryThumbprint", thumbprints == null ? "" : thumbprints.getPrimaryThumbprint());
                if (thumbprints != null && !thumbprints.getSecondaryThumbprint().isEmpty()) {
                    x509.addProperty("secondaryThumbprint", thumbprints.getSecondaryThumbprint());
                }
                authentication.add("x509Thumbprint", x509);
            }
            case AUTHENTICATION_TYPE_CERTIFICATE_AUTHORITY -> authentication.addProperty("type", "certificateAuthority");
            default -> {
                authentication.addProperty("type", "sas");
                JsonObject symmetric = new JsonObject();
                boolean given = keys != null && !keys.getPrimaryKey().isEmpty();
                symmetric.addProperty("primaryKey", given ? keys.getPrimaryKey() : generatedKey());
                symmetric.addProperty("secondaryKey", given ? keys.getSecondaryKey() : generatedKey());
                authentication.add("symmetricKey", symmetric);
            }
        }
        return authentication;
    }

    /**
     * Whether {@code found} is the identity {@code sent} created: same SAS keys, or for an X.509
     * identity the same thumbprints. Keys are random secrets, so an identity with both of them is
     * the one this request wrote. Thumbprints are not secret, but an identity with exactly the
     * certificates this request named is the identity it asked for, whoever wrote it, so the
     * create is answered with it (the same way a repeated create is). CA identities, with
     * neither, cannot be told apart from one that existed before.
     */
    static boolean sameCredentials(JsonObject sent, JsonObject found) {
        SymmetricKeys ours = keys(sent);
        if (ours != null) {
            return !ours.getPrimaryKey().isEmpty() && ours.equals(keys(found));
        }
        X509Thumbprints certificates = thumbprints(sent);
        return certificates != null && certificates.equals(thumbprints(found));
    }

    static SymmetricKeys keys(JsonObject json) {
        JsonObject symmetric = object(object(json, "authentication"), "symmetricKey");
        String primary = text(symmetric, "primaryKey");
        String secondary = text(symmetric, "secondaryKey");
        if (primary.isEmpty() && secondary.isEmpty()) {
            return null;
        }
        return SymmetricKeys.newBuilder().setPrimaryKey(primary).setSecondaryKey(secondary).build();
    }

    private static X509Thumbprints thumbprints(JsonObject json) {
        JsonObject x509 = object(object(json, "authentication"), "x509Thumbprint");
        String primary = text(x509, "primaryThumbprint");
        if (primary.isEmpty()) {
            return null;
        }
        return X509Thumbprints.newBuilder().setPrimaryThumbprint(primary).setSecondaryThumbprint(text(x509, "secondaryThumbprint")).build();
    }

    private static String generatedKey() {
        byte[] key = new byte[GENERATED_KEY_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static AuthenticationType authenticationType(String wire) {
        return switch (wire.toLowerCase(Locale.ROOT)) {
            case "sas" -> AuthenticationType.AUTHENTICATION_TYPE_SAS;
            case "selfsigned" -> AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED;
            case "certificateauthority" -> AuthenticationType.AUTHENTICATION_TYPE_CERTIFICATE_AUTHORITY;
            case "none" -> AuthenticationType.AUTHENTICATION_TYPE_NONE;
            default -> AuthenticationType.AUTHENTICATION_TYPE_UNSPECIFIED;
        };
    }

    private static ConnectionState connectionState(String wire) {
        if (wire.isEmpty()) {
            return ConnectionState.CONNECTION_STATE_UNSPECIFIED;
        }
        return "connected".equalsIgnoreCase(wire) ? ConnectionState.CONNECTION_STATE_CONNECTED
                : ConnectionState.CONNECTION_STATE_DISCONNECTED;
    }

    /** A member as text; "" when absent or null. */
    static String text(JsonObject object, String field) {
        JsonElement value = object.get(field);
        return value == null || value.isJsonNull() ? "" : value.getAsString();
    }

    /** A member object; an empty one when absent or not an object. */
    static JsonObject object(JsonObject object, String field) {
        JsonElement value = object.get(field);
        return value != null && value.isJsonObject() ? value.getAsJsonObject() : new JsonObject();
    }

    private static int integer(JsonObject object, String field) {
        JsonElement value = object.get(field);
        return value == null || value.isJsonNull() ? 0 : value.getAsInt();
    }

    private static <T> void setIfPresent(T value, java.util.function.Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }
}
