package io.hubgate.emulator.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.IfMatch;
import io.hubgate.emulator.store.DeviceEntry;
import io.hubgate.emulator.store.ModuleEntry;
import io.hubgate.emulator.twin.TwinState;

import java.time.Instant;

/**
 * Twin writes for devices and modules: patch (merge), replace, and reported properties (as a
 * device writes them). Each checks If-Match against the twin's etag under the device's lock, so
 * two writers with the same etag cannot both win.
 */
public final class TwinRegistry {

    private final IdentityRegistry registry;

    public TwinRegistry(IdentityRegistry registry) {
        this.registry = registry;
    }

    /** How a twin changes, given its current state and a fresh etag. */
    @FunctionalInterface
    public interface TwinChange {
        TwinState apply(TwinState current, Instant now, String newEtag);
    }

    public static TwinChange patch(ObjectNode tags, ObjectNode desired) {
        return (current, now, etag) -> current.patch(tags, desired, now, etag);
    }

    public static TwinChange replace(ObjectNode tags, ObjectNode desired) {
        return (current, now, etag) -> current.replace(tags, desired, now, etag);
    }

    public static TwinChange reported(ObjectNode reported) {
        return (current, now, etag) -> current.patchReported(reported, now, etag);
    }

    /** Changes a device twin; returns the device's new entry. */
    public DeviceEntry changeDeviceTwin(String deviceId, IfMatch ifMatch, TwinChange change) {
        return registry.updateEntry(deviceId, current -> {
            IfMatch.check(ifMatch, current.twin().etag(), "the twin of device " + deviceId);
            Instant now = registry.clock().instant();
            return current.withTwin(change.apply(current.twin(), now, registry.etags().nextTwinEtag()));
        });
    }

    /** Changes a module twin; returns the module's new entry. */
    public ModuleEntry changeModuleTwin(String deviceId, String moduleId, IfMatch ifMatch, TwinChange change) {
        DeviceEntry entry = registry.updateEntry(deviceId, current -> {
            ModuleEntry module = current.modules().get(moduleId);
            if (module == null) {
                throw HubException.moduleNotFound(deviceId, moduleId);
            }
            IfMatch.check(ifMatch, module.twin().etag(), "the twin of module " + moduleId + " on device " + deviceId);
            Instant now = registry.clock().instant();
            return current.withModule(module.withTwin(change.apply(module.twin(), now, registry.etags().nextTwinEtag())));
        });
        return entry.modules().get(moduleId);
    }
}
