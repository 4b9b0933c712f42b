package io.hubgate.emulator.store;

import io.hubgate.emulator.twin.TwinState;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything the hub keeps for one device: identity, twin and modules. It is the unit of
 * atomic change: a write replaces the whole entry, so a device, its twin and its modules are
 * always seen together and consistent. Immutable.
 */
public record DeviceEntry(DeviceIdentity identity, TwinState twin, SortedMap<String, ModuleEntry> modules) {

    public DeviceEntry {
        modules = Collections.unmodifiableSortedMap(new TreeMap<>(modules));
    }

    public static DeviceEntry of(DeviceIdentity identity, TwinState twin) {
        return new DeviceEntry(identity, twin, new TreeMap<>());
    }

    public String deviceId() {
        return identity.deviceId();
    }

    public DeviceEntry withIdentity(DeviceIdentity newIdentity) {
        return new DeviceEntry(newIdentity, twin, modules);
    }

    public DeviceEntry withTwin(TwinState newTwin) {
        return new DeviceEntry(identity, newTwin, modules);
    }

    public DeviceEntry withModule(ModuleEntry module) {
        TreeMap<String, ModuleEntry> copy = new TreeMap<>(modules);
        copy.put(module.identity().moduleId(), module);
        return new DeviceEntry(identity, twin, copy);
    }

    public DeviceEntry withoutModule(String moduleId) {
        TreeMap<String, ModuleEntry> copy = new TreeMap<>(modules);
        copy.remove(moduleId);
        return new DeviceEntry(identity, twin, copy);
    }
}
