package io.hubgate.emulator.persist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.store.AuthenticationMechanism;
import io.hubgate.emulator.store.ConnectionState;
import io.hubgate.emulator.store.DeviceEntry;
import io.hubgate.emulator.store.DeviceIdentity;
import io.hubgate.emulator.store.ModuleEntry;
import io.hubgate.emulator.store.ModuleIdentity;
import io.hubgate.emulator.store.SymmetricKeys;
import io.hubgate.emulator.twin.TwinSection;
import io.hubgate.emulator.twin.TwinState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The on-disk form of a device entry. Private to persistence and versioned by the snapshot, so
 * it may change without touching the wire format; it keeps every field needed to restore the
 * entry exactly (keys included: the data directory is as secret as the hub's keys).
 */
final class EntryCodec {

    private EntryCodec() {
    }

    static ObjectNode encode(DeviceEntry entry) {
        ObjectNode json = Json.object();
        DeviceIdentity d = entry.identity();
        json.put("deviceId", d.deviceId());
        json.put("generationId", d.generationId());
        json.put("etag", d.etag());
        json.put("enabled", d.enabled());
        json.put("statusReason", d.statusReason());
        putInstant(json, "statusUpdatedTime", d.statusUpdatedTime());
        json.put("connectionState", d.connectionState().name());
        putInstant(json, "connectionStateUpdatedTime", d.connectionStateUpdatedTime());
        putInstant(json, "lastActivityTime", d.lastActivityTime());
        json.put("c2d", d.cloudToDeviceMessageCount());
        json.set("auth", encodeAuth(d.authentication()));
        json.put("iotEdge", d.iotEdge());
        json.put("deviceScope", d.deviceScope());
        d.parentScopes().forEach(json.putArray("parentScopes")::add);
        json.set("twin", encodeTwin(entry.twin()));
        var modules = json.putArray("modules");
        for (ModuleEntry module : entry.modules().values()) {
            ModuleIdentity m = module.identity();
            ObjectNode mj = modules.addObject();
            mj.put("moduleId", m.moduleId());
            mj.put("generationId", m.generationId());
            mj.put("etag", m.etag());
            mj.put("managedBy", m.managedBy());
            mj.put("connectionState", m.connectionState().name());
            putInstant(mj, "connectionStateUpdatedTime", m.connectionStateUpdatedTime());
            putInstant(mj, "lastActivityTime", m.lastActivityTime());
            mj.put("c2d", m.cloudToDeviceMessageCount());
            mj.set("auth", encodeAuth(m.authentication()));
            mj.set("twin", encodeTwin(module.twin()));
        }
        return json;
    }

    static DeviceEntry decode(JsonNode json) {
        String deviceId = json.get("deviceId").textValue();
        List<String> parentScopes = new ArrayList<>();
        json.path("parentScopes").forEach(scope -> parentScopes.add(scope.textValue()));
        DeviceIdentity identity = new DeviceIdentity(deviceId, text(json, "generationId"), text(json, "etag"),
                json.get("enabled").booleanValue(), text(json, "statusReason"), instant(json, "statusUpdatedTime"),
                ConnectionState.valueOf(text(json, "connectionState")), instant(json, "connectionStateUpdatedTime"),
                instant(json, "lastActivityTime"), json.path("c2d").intValue(), decodeAuth(json.get("auth")),
                json.path("iotEdge").booleanValue(), text(json, "deviceScope"), parentScopes);
        TreeMap<String, ModuleEntry> modules = new TreeMap<>();
        for (JsonNode mj : json.path("modules")) {
            ModuleIdentity module = new ModuleIdentity(deviceId, text(mj, "moduleId"), text(mj, "generationId"),
                    text(mj, "etag"), text(mj, "managedBy"), ConnectionState.valueOf(text(mj, "connectionState")),
                    instant(mj, "connectionStateUpdatedTime"), instant(mj, "lastActivityTime"), mj.path("c2d").intValue(),
                    decodeAuth(mj.get("auth")));
            modules.put(module.moduleId(), new ModuleEntry(module, decodeTwin(mj.get("twin"))));
        }
        return new DeviceEntry(identity, decodeTwin(json.get("twin")), modules);
    }

    private static ObjectNode encodeAuth(AuthenticationMechanism auth) {
        ObjectNode json = Json.object();
        json.put("type", auth.type().wireName());
        if (auth.symmetricKey() != null) {
            json.put("primaryKey", auth.symmetricKey().primaryKey());
            json.put("secondaryKey", auth.symmetricKey().secondaryKey());
        }
        if (auth.x509Thumbprint() != null) {
            json.put("primaryThumbprint", auth.x509Thumbprint().primaryThumbprint());
            json.put("secondaryThumbprint", auth.x509Thumbprint().secondaryThumbprint());
        }
        return json;
    }

    private static AuthenticationMechanism decodeAuth(JsonNode json) {
        SymmetricKeys keys = json.hasNonNull("primaryKey")
                ? new SymmetricKeys(text(json, "primaryKey"), text(json, "secondaryKey")) : null;
        return new AuthenticationMechanism(AuthenticationMechanism.Type.fromWire(text(json, "type")), keys,
                new AuthenticationMechanism.Thumbprints(text(json, "primaryThumbprint"), text(json, "secondaryThumbprint")));
    }

    private static ObjectNode encodeTwin(TwinState twin) {
        ObjectNode json = Json.object();
        json.put("etag", twin.etag());
        json.put("version", twin.version());
        json.set("tags", twin.tags());
        json.set("desired", encodeSection(twin.desired()));
        json.set("reported", encodeSection(twin.reported()));
        return json;
    }

    private static TwinState decodeTwin(JsonNode json) {
        return TwinState.restore((ObjectNode) json.get("tags"), decodeSection(json.get("desired"), true),
                decodeSection(json.get("reported"), false), json.get("version").longValue(), text(json, "etag"));
    }

    private static ObjectNode encodeSection(TwinSection section) {
        ObjectNode json = Json.object();
        json.set("values", section.values());
        json.set("metadata", section.metadata());
        json.put("version", section.version());
        return json;
    }

    private static TwinSection decodeSection(JsonNode json, boolean tracksVersion) {
        return TwinSection.restore((ObjectNode) json.get("values"), (ObjectNode) json.get("metadata"),
                json.get("version").longValue(), tracksVersion);
    }

    private static void putInstant(ObjectNode json, String field, Instant instant) {
        json.put(field, instant == null ? null : instant.toString());
    }

    private static Instant instant(JsonNode json, String field) {
        String text = text(json, field);
        return text == null ? null : Instant.parse(text);
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.textValue();
    }
}
