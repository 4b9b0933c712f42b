package io.hubgate.emulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.HubResponse;
import io.hubgate.emulator.http.IfMatch;
import io.hubgate.emulator.http.RouteTable.PathParameters;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.registry.IdentityRegistry;
import io.hubgate.emulator.registry.IdentityRegistry.DeviceChanges;
import io.hubgate.emulator.registry.IdentityRegistry.ModuleChanges;
import io.hubgate.emulator.store.DeviceEntry;
import io.hubgate.emulator.store.DeviceIdentity;
import io.hubgate.emulator.store.ModuleEntry;
import io.hubgate.emulator.store.ModuleIdentity;

import java.util.ArrayList;
import java.util.List;

/** REST handlers for devices, modules, registry statistics and the command queue. */
final class RegistryApi {

    /** {@code GET /devices?top=N}: N outside 1..1000 counts as 1000. */
    static final int MAX_LIST_DEVICES = 1000;

    private final IdentityRegistry registry;

    RegistryApi(IdentityRegistry registry) {
        this.registry = registry;
    }

    HubResponse putDevice(HubRequest request, PathParameters path) {
        String deviceId = path.get("deviceId");
        IdRules.validateDeviceId(deviceId);
        ObjectNode body = request.jsonObjectBody();
        IdentityJson.requireMatchingId(body, "deviceId", deviceId);
        IfMatch ifMatch = IfMatch.parse(request.header("If-Match"));
        IdentityRegistry.DeviceChangeReader reader = current -> readDeviceChanges(body, current);
        DeviceEntry entry = ifMatch == null
                ? registry.createDevice(deviceId, reader)
                : registry.updateDevice(deviceId, ifMatch, reader);
        return HubResponse.ok(IdentityJson.render(entry.identity()));
    }

    static DeviceChanges readDeviceChanges(JsonNode body, DeviceIdentity current) {
        return new DeviceChanges(
                IdentityJson.readEnabled(body),
                // Like every other field: absent keeps the current value, an explicit null clears it.
                body.has("statusReason") || current == null ? IdentityJson.readStatusReason(body) : current.statusReason(),
                IdentityJson.readAuthentication(body, current == null ? null : current.authentication()),
                IdentityJson.readIotEdge(body, current != null && current.iotEdge()),
                IdentityJson.optionalText(body, "deviceScope"),
                readParentScopes(body, current));
    }

    private static List<String> readParentScopes(JsonNode body, DeviceIdentity current) {
        JsonNode scopes = body.get("parentScopes");
        if (scopes == null || scopes.isNull()) {
            return current == null ? List.of() : current.parentScopes();
        }
        if (!scopes.isArray()) {
            throw HubException.argumentInvalid("parentScopes must be an array of strings");
        }
        List<String> result = new ArrayList<>();
        for (JsonNode scope : scopes) {
            if (!scope.isTextual()) {
                throw HubException.argumentInvalid("parentScopes must be an array of strings");
            }
            result.add(scope.textValue());
        }
        return result;
    }

    HubResponse getDevice(HubRequest request, PathParameters path) {
        String deviceId = path.get("deviceId");
        IdRules.validateDeviceId(deviceId);
        return HubResponse.ok(IdentityJson.render(registry.getDevice(deviceId).identity()));
    }

    HubResponse deleteDevice(HubRequest request, PathParameters path) {
        String deviceId = path.get("deviceId");
        IdRules.validateDeviceId(deviceId);
        registry.deleteDevice(deviceId, IfMatch.parse(request.header("If-Match")));
        return HubResponse.noContent();
    }

    HubResponse listDevices(HubRequest request, PathParameters path) {
        int top = MAX_LIST_DEVICES;
        String topParameter = request.queryParameter("top");
        if (topParameter != null) {
            try {
                int requested = Integer.parseInt(topParameter.trim());
                top = requested < 1 || requested > MAX_LIST_DEVICES ? MAX_LIST_DEVICES : requested;
            } catch (NumberFormatException e) {
                throw HubException.argumentInvalid("top must be a whole number, not '" + topParameter + "'");
            }
        }
        ArrayNode devices = Json.MAPPER.createArrayNode();
        for (DeviceEntry entry : registry.store().after(null)) {
            if (devices.size() >= top) {
                break;
            }
            devices.add(IdentityJson.render(entry.identity()));
        }
        return HubResponse.ok(devices);
    }

    HubResponse putModule(HubRequest request, PathParameters path) {
        String deviceId = path.get("deviceId");
        String moduleId = path.get("moduleId");
        IdRules.validateDeviceId(deviceId);
        IdRules.validateModuleId(moduleId);
        ObjectNode body = request.jsonObjectBody();
        IdentityJson.requireMatchingId(body, "deviceId", deviceId);
        IdentityJson.requireMatchingId(body, "moduleId", moduleId);
        IdentityRegistry.ModuleWrite write = registry.putModule(deviceId, moduleId,
                IfMatch.parse(request.header("If-Match")), current -> readModuleChanges(body, current));
        return HubResponse.json(write.created() ? 201 : 200, IdentityJson.render(write.module().identity()));
    }

    static ModuleChanges readModuleChanges(JsonNode body, ModuleIdentity current) {
        String managedBy = IdentityJson.optionalText(body, "managedBy");
        if (managedBy == null && current != null) {
            managedBy = current.managedBy();
        }
        return new ModuleChanges(managedBy,
                IdentityJson.readAuthentication(body, current == null ? null : current.authentication()));
    }

    HubResponse getModule(HubRequest request, PathParameters path) {
        String deviceId = path.get("deviceId");
        String moduleId = path.get("moduleId");
        IdRules.validateDeviceId(deviceId);
        IdRules.validateModuleId(moduleId);
        return HubResponse.ok(IdentityJson.render(registry.getModule(deviceId, moduleId).identity()));
    }

    HubResponse deleteModule(HubRequest request, PathParameters path) {
        String deviceId = path.get("deviceId");
        String moduleId = path.get("moduleId");
        IdRules.validateDeviceId(deviceId);
        IdRules.validateModuleId(moduleId);
        registry.deleteModule(deviceId, moduleId, IfMatch.parse(request.header("If-Match")));
        return HubResponse.noContent();
    }

    HubResponse listModules(HubRequest request, PathParameters path) {
        String deviceId = path.get("deviceId");
        IdRules.validateDeviceId(deviceId);
        ArrayNode modules = Json.MAPPER.createArrayNode();
        for (ModuleEntry module : registry.getDevice(deviceId).modules().values()) {
            modules.add(IdentityJson.render(module.identity()));
        }
        return HubResponse.ok(modules);
    }

    HubResponse deviceStatistics(HubRequest request, PathParameters path) {
        IdentityRegistry.DeviceStatistics statistics = registry.statistics();
        ObjectNode json = Json.object();
        json.put("totalDeviceCount", statistics.total());
        json.put("enabledDeviceCount", statistics.enabled());
        // The Java SDK reads this misspelled key; the service's documented one is above.
        json.put("enableDeviceCount", statistics.enabled());
        json.put("disabledDeviceCount", statistics.disabled());
        return HubResponse.ok(json);
    }

    HubResponse serviceStatistics(HubRequest request, PathParameters path) {
        ObjectNode json = Json.object();
        json.put("connectedDeviceCount", registry.connectedDeviceCount());
        return HubResponse.ok(json);
    }

    HubResponse purgeCommandQueue(HubRequest request, PathParameters path) {
        String deviceId = path.get("deviceId");
        IdRules.validateDeviceId(deviceId);
        int purged = registry.purgeCommandQueue(deviceId);
        ObjectNode json = Json.object();
        json.put("totalMessagesPurged", purged);
        json.put("deviceId", deviceId);
        json.putNull("moduleId");
        return HubResponse.ok(json);
    }
}
