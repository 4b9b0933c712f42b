package io.hubgate.emulator.api;

import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.HubResponse;
import io.hubgate.emulator.http.IfMatch;
import io.hubgate.emulator.http.RouteTable.PathParameters;
import io.hubgate.emulator.registry.IdentityRegistry;
import io.hubgate.emulator.registry.TwinRegistry;
import io.hubgate.emulator.store.DeviceEntry;
import io.hubgate.emulator.store.ModuleEntry;

/** REST handlers for device and module twins: GET, PATCH (merge) and PUT (replace). */
final class TwinApi {

    private final IdentityRegistry registry;
    private final TwinRegistry twins;

    TwinApi(IdentityRegistry registry, TwinRegistry twins) {
        this.registry = registry;
        this.twins = twins;
    }

    HubResponse getDeviceTwin(HubRequest request, PathParameters path) {
        String deviceId = deviceId(path);
        DeviceEntry entry = registry.getDevice(deviceId);
        return HubResponse.ok(TwinJson.render(entry.identity(), entry.twin()));
    }

    HubResponse patchDeviceTwin(HubRequest request, PathParameters path) {
        return writeDeviceTwin(request, path, false);
    }

    HubResponse replaceDeviceTwin(HubRequest request, PathParameters path) {
        return writeDeviceTwin(request, path, true);
    }

    private HubResponse writeDeviceTwin(HubRequest request, PathParameters path, boolean replace) {
        String deviceId = deviceId(path);
        TwinJson.TwinUpdate update = TwinJson.readUpdate(request.jsonObjectBody());
        DeviceEntry entry = twins.changeDeviceTwin(deviceId, IfMatch.parse(request.header("If-Match")),
                replace ? TwinRegistry.replace(update.tags(), update.desired())
                        : TwinRegistry.patch(update.tags(), update.desired()));
        return HubResponse.ok(TwinJson.render(entry.identity(), entry.twin()));
    }

    HubResponse getModuleTwin(HubRequest request, PathParameters path) {
        String deviceId = deviceId(path);
        String moduleId = moduleId(path);
        ModuleEntry module = registry.getModule(deviceId, moduleId);
        return HubResponse.ok(TwinJson.render(module.identity(), module.twin()));
    }

    HubResponse patchModuleTwin(HubRequest request, PathParameters path) {
        return writeModuleTwin(request, path, false);
    }

    HubResponse replaceModuleTwin(HubRequest request, PathParameters path) {
        return writeModuleTwin(request, path, true);
    }

    private HubResponse writeModuleTwin(HubRequest request, PathParameters path, boolean replace) {
        String deviceId = deviceId(path);
        String moduleId = moduleId(path);
        TwinJson.TwinUpdate update = TwinJson.readUpdate(request.jsonObjectBody());
        ModuleEntry module = twins.changeModuleTwin(deviceId, moduleId, IfMatch.parse(request.header("If-Match")),
                replace ? TwinRegistry.replace(update.tags(), update.desired())
                        : TwinRegistry.patch(update.tags(), update.desired()));
        return HubResponse.ok(TwinJson.render(module.identity(), module.twin()));
    }

    private static String deviceId(PathParameters path) {
        String deviceId = path.get("deviceId");
        IdRules.validateDeviceId(deviceId);
        return deviceId;
    }

    private static String moduleId(PathParameters path) {
        String moduleId = path.get("moduleId");
        IdRules.validateModuleId(moduleId);
        return moduleId;
    }
}
