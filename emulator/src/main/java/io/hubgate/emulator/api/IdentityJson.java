package io.hubgate.emulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.store.AuthenticationMechanism;
import io.hubgate.emulator.store.AuthenticationMechanism.Thumbprints;
import io.hubgate.emulator.store.DeviceIdentity;
import io.hubgate.emulator.store.ModuleIdentity;
import io.hubgate.emulator.store.SymmetricKeys;
import io.hubgate.emulator.twin.TwinTimes;

import java.util.Base64;
import java.util.Locale;

/**
 * Device and module identities on the wire: renders them as the service does and reads the
 * writable parts of a request body. Read-only fields a client echoes back (etag, generationId,
 * times, connection state) are ignored, as the service ignores them.
 */
final class IdentityJson {

    /** Symmetric keys must decode to 16–64 bytes, as the service requires. */
    static final int MIN_KEY_BYTES = 16;
    static final int MAX_KEY_BYTES = 64;

    private IdentityJson() {
    }

    static ObjectNode render(DeviceIdentity device) {
        ObjectNode json = Json.object();
        json.put("deviceId", device.deviceId());
        json.put("generationId", device.generationId());
        json.put("etag", device.etag());
        json.put("connectionState", device.connectionState().name());
        json.put("status", device.enabled() ? "enabled" : "disabled");
        json.put("statusReason", device.statusReason());
        json.put("connectionStateUpdatedTime", TwinTimes.identity(device.connectionStateUpdatedTime()));
        json.put("statusUpdatedTime", TwinTimes.identity(device.statusUpdatedTime()));
        json.put("lastActivityTime", TwinTimes.identity(device.lastActivityTime()));
        json.put("cloudToDeviceMessageCount", device.cloudToDeviceMessageCount());
        json.set("authentication", renderAuthentication(device.authentication()));
        json.putObject("capabilities").put("iotEdge", device.iotEdge());
        if (device.deviceScope() != null) {
            json.put("deviceScope", device.deviceScope());
        }
        device.parentScopes().forEach(json.putArray("parentScopes")::add);
        return json;
    }

    static ObjectNode render(ModuleIdentity module) {
        ObjectNode json = Json.object();
        json.put("moduleId", module.moduleId());
        json.put("managedBy", module.managedBy());
        json.put("deviceId", module.deviceId());
        json.put("generationId", module.generationId());
        json.put("etag", module.etag());
        json.put("connectionState", module.connectionState().name());
        json.put("connectionStateUpdatedTime", TwinTimes.identity(module.connectionStateUpdatedTime()));
        json.put("lastActivityTime", TwinTimes.identity(module.lastActivityTime()));
        json.put("cloudToDeviceMessageCount", module.cloudToDeviceMessageCount());
        json.set("authentication", renderAuthentication(module.authentication()));
        return json;
    }

    static ObjectNode renderAuthentication(AuthenticationMechanism authentication) {
        ObjectNode json = Json.object();
        ObjectNode keys = json.putObject("symmetricKey");
        SymmetricKeys symmetricKeys = authentication.symmetricKey();
        keys.put("primaryKey", symmetricKeys == null ? null : symmetricKeys.primaryKey());
        keys.put("secondaryKey", symmetricKeys == null ? null : symmetricKeys.secondaryKey());
        ObjectNode thumbprints = json.putObject("x509Thumbprint");
        Thumbprints x509 = authentication.x509Thumbprint() == null ? Thumbprints.NONE : authentication.x509Thumbprint();
        thumbprints.put("primaryThumbprint", x509.primaryThumbprint());
        thumbprints.put("secondaryThumbprint", x509.secondaryThumbprint());
        json.put("type", authentication.type().wireName());
        return json;
    }

    /** The id in the body must be absent or equal to the id in the path. */
    static void requireMatchingId(JsonNode body, String field, String pathId) {
        JsonNode id = body.get(field);
        if (id != null && !id.isNull() && !id.asText().isEmpty() && !id.asText().equals(pathId)) {
            throw HubException.argumentInvalid("The " + field + " '" + id.asText() + "' in the body does not match '"
                    + pathId + "' in the path");
        }
    }

    /** Reads {@code status}; null when absent. Case-insensitive, because the Java SDK sends "Enabled". */
    static Boolean readEnabled(JsonNode body) {
        String status = optionalText(body, "status");
        if (status == null) {
            return null;
        }
        return switch (status.toLowerCase(Locale.ROOT)) {
            case "enabled" -> Boolean.TRUE;
            case "disabled" -> Boolean.FALSE;
            default -> throw HubException.argumentInvalid("status must be 'enabled' or 'disabled', not '" + status + "'");
        };
    }

    static String readStatusReason(JsonNode body) {
        String reason = optionalText(body, "statusReason");
        if (reason != null && reason.length() > IdRules.MAX_STATUS_REASON_LENGTH) {
            throw HubException.argumentInvalid("statusReason is longer than " + IdRules.MAX_STATUS_REASON_LENGTH + " characters");
        }
        return reason;
    }

    static boolean readIotEdge(JsonNode body, boolean current) {
        JsonNode capabilities = body.get("capabilities");
        if (capabilities == null || capabilities.isNull()) {
            return current;
        }
        JsonNode edge = capabilities.get("iotEdge");
        if (edge == null || edge.isNull()) {
            return current;
        }
        if (!edge.isBoolean()) {
            throw HubException.argumentInvalid("capabilities.iotEdge must be true or false");
        }
        return edge.booleanValue();
    }

    /**
     * Reads {@code authentication}. Missing or empty SAS keys are generated (Node sends empty
     * keys on create); on update, missing keys keep the current ones.
     */
    static AuthenticationMechanism readAuthentication(JsonNode body, AuthenticationMechanism current) {
        JsonNode auth = body.get("authentication");
        if (auth == null || auth.isNull()) {
            return current != null ? current : AuthenticationMechanism.generatedSas();
        }
        if (!auth.isObject()) {
            throw HubException.argumentInvalid("authentication must be a JSON object");
        }
        String typeName = optionalText(auth, "type");
        AuthenticationMechanism.Type type = typeName == null ? AuthenticationMechanism.Type.SAS
                : AuthenticationMechanism.Type.fromWire(typeName);
        if (type == null) {
            throw HubException.argumentInvalid("authentication.type must be sas, selfSigned, certificateAuthority or none, not '"
                    + typeName + "'");
        }
        return switch (type) {
            case SAS -> new AuthenticationMechanism(type, readKeys(auth.get("symmetricKey"), current), Thumbprints.NONE);
            case SELF_SIGNED -> new AuthenticationMechanism(type, null, readThumbprints(auth.get("x509Thumbprint")));
            case CERTIFICATE_AUTHORITY, NONE -> new AuthenticationMechanism(type, null, Thumbprints.NONE);
        };
    }

    private static SymmetricKeys readKeys(JsonNode keys, AuthenticationMechanism current) {
        String primary = keys == null ? null : optionalText(keys, "primaryKey");
        String secondary = keys == null ? null : optionalText(keys, "secondaryKey");
        boolean primaryEmpty = primary == null || primary.isEmpty();
        boolean secondaryEmpty = secondary == null || secondary.isEmpty();
        if (primaryEmpty && secondaryEmpty) {
            if (current != null && current.symmetricKey() != null) {
                return current.symmetricKey();
            }
            return SymmetricKeys.generate();
        }
        if (primaryEmpty || secondaryEmpty) {
            throw HubException.argumentInvalid("authentication.symmetricKey needs both primaryKey and secondaryKey, or neither");
        }
        validateKey("primaryKey", primary);
        validateKey("secondaryKey", secondary);
        return new SymmetricKeys(primary, secondary);
    }

    private static void validateKey(String name, String key) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException notBase64) {
            throw HubException.argumentInvalid("authentication.symmetricKey." + name + " is not valid base64");
        }
        if (decoded.length < MIN_KEY_BYTES || decoded.length > MAX_KEY_BYTES) {
            throw HubException.argumentInvalid("authentication.symmetricKey." + name + " decodes to " + decoded.length
                    + " bytes; keys must be " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES + " bytes");
        }
    }

    private static Thumbprints readThumbprints(JsonNode thumbprints) {
        String primary = thumbprints == null ? null : optionalText(thumbprints, "primaryThumbprint");
        String secondary = thumbprints == null ? null : optionalText(thumbprints, "secondaryThumbprint");
        if (primary == null || primary.isEmpty()) {
            throw HubException.argumentInvalid("selfSigned authentication needs x509Thumbprint.primaryThumbprint");
        }
        validateThumbprint("primaryThumbprint", primary);
        if (secondary != null && !secondary.isEmpty()) {
            validateThumbprint("secondaryThumbprint", secondary);
        }
        return new Thumbprints(primary, secondary == null || secondary.isEmpty() ? null : secondary);
    }

    private static void validateThumbprint(String name, String thumbprint) {
        boolean hex = thumbprint.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
        if (!hex || (thumbprint.length() != 40 && thumbprint.length() != 64)) {
            throw HubException.argumentInvalid("x509Thumbprint." + name
                    + " must be a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint");
        }
    }

    static String optionalText(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw HubException.argumentInvalid(field + " must be a string, not " + value.getNodeType());
        }
        return value.textValue();
    }
}
