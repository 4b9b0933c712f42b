package io.hubgate.emulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.store.AuthenticationMechanism;
import io.hubgate.emulator.store.DeviceIdentity;
import io.hubgate.emulator.store.ModuleIdentity;
import io.hubgate.emulator.twin.TwinRules;
import io.hubgate.emulator.twin.TwinState;
import io.hubgate.emulator.twin.TwinTimes;

/**
 * Twins on the wire: renders a device or module twin the way the service does, and reads the
 * writable parts (tags, desired) of a PATCH or PUT body. The Java SDK serialises every root
 * field, mostly as null, so nulls at the root are ignored rather than refused.
 */
public final class TwinJson {

    private TwinJson() {
    }

    /** The twin of a device. */
    public static ObjectNode render(DeviceIdentity device, TwinState twin) {
        ObjectNode json = Json.object();
        json.put("deviceId", device.deviceId());
        json.put("etag", twin.etag());
        json.put("deviceEtag", device.etag());
        json.put("status", device.enabled() ? "enabled" : "disabled");
        if (device.statusReason() != null) {
            json.put("statusReason", device.statusReason());
        }
        json.put("statusUpdateTime", TwinTimes.identity(device.statusUpdatedTime()));
        json.put("connectionState", device.connectionState().name());
        json.put("lastActivityTime", TwinTimes.identity(device.lastActivityTime()));
        json.put("cloudToDeviceMessageCount", device.cloudToDeviceMessageCount());
        putAuthentication(json, device.authentication());
        json.put("modelId", "");
        json.put("version", twin.version());
        putSections(json, twin);
        json.putObject("capabilities").put("iotEdge", device.iotEdge());
        if (device.deviceScope() != null) {
            json.put("deviceScope", device.deviceScope());
        }
        if (!device.parentScopes().isEmpty()) {
            device.parentScopes().forEach(json.putArray("parentScopes")::add);
        }
        return json;
    }

    /** The twin of a module. */
    public static ObjectNode render(ModuleIdentity module, TwinState twin) {
        ObjectNode json = Json.object();
        json.put("deviceId", module.deviceId());
        json.put("moduleId", module.moduleId());
        json.put("etag", twin.etag());
        json.put("deviceEtag", module.etag());
        json.put("status", "enabled");
        json.put("statusUpdateTime", TwinTimes.NEVER);
        json.put("connectionState", module.connectionState().name());
        json.put("lastActivityTime", TwinTimes.identity(module.lastActivityTime()));
        json.put("cloudToDeviceMessageCount", module.cloudToDeviceMessageCount());
        putAuthentication(json, module.authentication());
        json.put("modelId", "");
        json.put("version", twin.version());
        putSections(json, twin);
        return json;
    }

    private static void putAuthentication(ObjectNode json, AuthenticationMechanism authentication) {
        json.put("authenticationType", authentication.type().wireName());
        ObjectNode thumbprints = json.putObject("x509Thumbprint");
        AuthenticationMechanism.Thumbprints x509 = authentication.x509Thumbprint();
        thumbprints.put("primaryThumbprint", x509 == null ? null : x509.primaryThumbprint());
        thumbprints.put("secondaryThumbprint", x509 == null ? null : x509.secondaryThumbprint());
    }

    private static void putSections(ObjectNode json, TwinState twin) {
        json.set("tags", twin.tags().deepCopy());
        ObjectNode properties = json.putObject("properties");
        properties.set("desired", twin.desired().toWire());
        properties.set("reported", twin.reported().toWire());
    }

    /** The writable parts of a twin body: null means "absent". */
    public record TwinUpdate(ObjectNode tags, ObjectNode desired) {
    }

    /** Reads and validates tags and desired properties from a PATCH or PUT body. */
    public static TwinUpdate readUpdate(ObjectNode body) {
        ObjectNode tags = optionalObject(body, "tags", "tags");
        ObjectNode desired = null;
        JsonNode properties = body.get("properties");
        if (properties != null && !properties.isNull()) {
            if (!properties.isObject()) {
                throw HubException.argumentInvalid("properties must be a JSON object");
            }
            desired = optionalObject(properties, "desired", "properties.desired");
            // Reported properties belong to the device; a service write carrying them is ignored
            // (the Java SDK echoes a whole twin back), never applied.
        }
        if (tags != null) {
            TwinRules.validateSection("tags", tags);
        }
        if (desired != null) {
            desired = withoutServiceFields(desired);
            TwinRules.validateSection("properties.desired", desired);
        }
        return new TwinUpdate(tags, desired);
    }

    /** Clients echo $version and $metadata back after a GET; they are the hub's, not the client's. */
    private static ObjectNode withoutServiceFields(ObjectNode desired) {
        if (!desired.has("$version") && !desired.has("$metadata")) {
            return desired;
        }
        ObjectNode copy = desired.deepCopy();
        copy.remove("$version");
        copy.remove("$metadata");
        return copy;
    }

    private static ObjectNode optionalObject(JsonNode parent, String field, String path) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw HubException.argumentInvalid(path + " must be a JSON object, not " + value.getNodeType());
        }
        return (ObjectNode) value;
    }
}
