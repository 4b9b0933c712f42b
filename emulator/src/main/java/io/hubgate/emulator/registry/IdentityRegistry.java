package io.hubgate.emulator.registry;

import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.IfMatch;
import io.hubgate.emulator.store.ConnectionState;
import io.hubgate.emulator.store.DeviceEntry;
import io.hubgate.emulator.store.DeviceIdentity;
import io.hubgate.emulator.store.DeviceStore;
import io.hubgate.emulator.store.EtagSequence;
import io.hubgate.emulator.store.ModuleEntry;
import io.hubgate.emulator.store.ModuleIdentity;
import io.hubgate.emulator.twin.TwinState;

import java.time.Clock;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * The identity registry's operations: create, update and delete devices and modules with the
 * service's preconditions (409 on a duplicate, 404 on a missing one, 412 on a stale etag,
 * 413 past 50 modules). Used by the REST handlers and by bulk import alike, so both behave the
 * same. Each operation is atomic for its device.
 */
public final class IdentityRegistry {

    /** Modules per device, as observed on the service (older documents said 20). */
    public static final int MAX_MODULES_PER_DEVICE = 50;

    private final DeviceStore store;
    private final EtagSequence etags;
    private final Clock clock;

    public IdentityRegistry(DeviceStore store, EtagSequence etags, Clock clock) {
        this.store = store;
        this.etags = etags;
        this.clock = clock;
    }

    /** What a writer may set on a device; everything else is the hub's. */
    public record DeviceChanges(Boolean enabled, String statusReason,
                                io.hubgate.emulator.store.AuthenticationMechanism authentication,
                                boolean iotEdge, String deviceScope, java.util.List<String> parentScopes) {
    }

    /** Reads the writer's changes against the current identity (null on create). */
    @FunctionalInterface
    public interface DeviceChangeReader {
        DeviceChanges read(DeviceIdentity currentOrNull);
    }

    public DeviceEntry getDevice(String deviceId) {
        DeviceEntry entry = store.get(deviceId);
        if (entry == null) {
            throw HubException.deviceNotFound(deviceId);
        }
        return entry;
    }

    public ModuleEntry getModule(String deviceId, String moduleId) {
        ModuleEntry module = getDevice(deviceId).modules().get(moduleId);
        if (module == null) {
            throw HubException.moduleNotFound(deviceId, moduleId);
        }
        return module;
    }

    public DeviceEntry createDevice(String deviceId, DeviceChangeReader reader) {
        return store.update(deviceId, current -> {
            if (current != null) {
                throw new HubException(HubErrorCode.DEVICE_ALREADY_EXISTS, "A device with id " + deviceId + " is already registered");
            }
            Instant now = clock.instant();
            DeviceChanges changes = reader.read(null);
            boolean enabled = changes.enabled() == null || changes.enabled();
            String generationId = etags.nextGenerationId();
            String scope = changes.deviceScope();
            if (changes.iotEdge() && (scope == null || scope.isEmpty())) {
                scope = "ms-azure-iot-edge://" + deviceId + "-" + generationId;
            }
            DeviceIdentity identity = new DeviceIdentity(deviceId, generationId, etags.nextIdentityEtag(), enabled,
                    changes.statusReason(), null, ConnectionState.Disconnected, null, null, 0,
                    changes.authentication(), changes.iotEdge(), scope, parentScopes(changes, scope));
            return DeviceEntry.of(identity, TwinState.created(now, etags.nextTwinEtag()));
        });
    }

    public DeviceEntry updateDevice(String deviceId, IfMatch ifMatch, DeviceChangeReader reader) {
        return store.update(deviceId, current -> {
            if (current == null) {
                throw HubException.deviceNotFound(deviceId);
            }
            DeviceIdentity old = current.identity();
            IfMatch.check(ifMatch, old.etag(), "device " + deviceId);
            DeviceChanges changes = reader.read(old);
            boolean enabled = changes.enabled() == null ? old.enabled() : changes.enabled();
            Instant statusUpdated = enabled != old.enabled() ? clock.instant() : old.statusUpdatedTime();
            String scope = changes.deviceScope() == null ? old.deviceScope() : changes.deviceScope();
            DeviceIdentity identity = new DeviceIdentity(deviceId, old.generationId(), etags.nextIdentityEtag(), enabled,
                    changes.statusReason(), statusUpdated, old.connectionState(), old.connectionStateUpdatedTime(),
                    old.lastActivityTime(), old.cloudToDeviceMessageCount(), changes.authentication(),
                    changes.iotEdge(), scope, parentScopes(changes, scope));
            return current.withIdentity(identity);
        });
    }

    /**
     * A leaf device given its parent's scope and no parent scopes gets that scope as its parent
     * scope: the service copies it over (the Python SDK documents it so). An edge device's own
     * scope is never its parent.
     */
    private static java.util.List<String> parentScopes(DeviceChanges changes, String scope) {
        boolean none = changes.parentScopes() == null || changes.parentScopes().isEmpty();
        return !changes.iotEdge() && none && scope != null && !scope.isEmpty() ? java.util.List.of(scope) : changes.parentScopes();
    }

    public void deleteDevice(String deviceId, IfMatch ifMatch) {
        store.update(deviceId, current -> {
            if (current == null) {
                throw HubException.deviceNotFound(deviceId);
            }
            IfMatch.check(ifMatch, current.identity().etag(), "device " + deviceId);
            return null;
        });
    }

    /** What a writer may set on a module. */
    public record ModuleChanges(String managedBy, io.hubgate.emulator.store.AuthenticationMechanism authentication) {
    }

    @FunctionalInterface
    public interface ModuleChangeReader {
        ModuleChanges read(ModuleIdentity currentOrNull);
    }

    /** Creates (no If-Match) or updates (with If-Match) a module; returns it and whether it was created. */
    public ModuleWrite putModule(String deviceId, String moduleId, IfMatch ifMatch, ModuleChangeReader reader) {
        ModuleEntry[] written = new ModuleEntry[1];
        boolean[] created = new boolean[1];
        store.update(deviceId, current -> {
            if (current == null) {
                throw HubException.deviceNotFound(deviceId);
            }
            ModuleEntry existing = current.modules().get(moduleId);
            ModuleEntry next;
            if (ifMatch == null) {
                if (existing != null) {
                    throw new HubException(HubErrorCode.MODULE_ALREADY_EXISTS_ON_DEVICE,
                            "A module with id " + moduleId + " already exists on device " + deviceId);
                }
                if (current.modules().size() >= MAX_MODULES_PER_DEVICE) {
                    throw new HubException(HubErrorCode.TOO_MANY_MODULES_ON_DEVICE, "Device " + deviceId + " already has "
                            + MAX_MODULES_PER_DEVICE + " modules, the most a device may have");
                }
                ModuleChanges changes = reader.read(null);
                ModuleIdentity identity = new ModuleIdentity(deviceId, moduleId, etags.nextGenerationId(),
                        etags.nextIdentityEtag(), changes.managedBy(), ConnectionState.Disconnected, null, null, 0,
                        changes.authentication());
                next = new ModuleEntry(identity, TwinState.created(clock.instant(), etags.nextTwinEtag()));
                created[0] = true;
            } else {
                if (existing == null) {
                    throw HubException.moduleNotFound(deviceId, moduleId);
                }
                ModuleIdentity old = existing.identity();
                IfMatch.check(ifMatch, old.etag(), "module " + moduleId + " on device " + deviceId);
                ModuleChanges changes = reader.read(old);
                ModuleIdentity identity = new ModuleIdentity(deviceId, moduleId, old.generationId(), etags.nextIdentityEtag(),
                        changes.managedBy(), old.connectionState(), old.connectionStateUpdatedTime(),
                        old.lastActivityTime(), old.cloudToDeviceMessageCount(), changes.authentication());
                next = existing.withIdentity(identity);
            }
            written[0] = next;
            return current.withModule(next);
        });
        return new ModuleWrite(written[0], created[0]);
    }

    /** A module after a write, and whether the write created it. */
    public record ModuleWrite(ModuleEntry module, boolean created) {
    }

    public void deleteModule(String deviceId, String moduleId, IfMatch ifMatch) {
        store.update(deviceId, current -> {
            if (current == null) {
                throw HubException.deviceNotFound(deviceId);
            }
            ModuleEntry existing = current.modules().get(moduleId);
            if (existing == null) {
                throw HubException.moduleNotFound(deviceId, moduleId);
            }
            IfMatch.check(ifMatch, existing.identity().etag(), "module " + moduleId + " on device " + deviceId);
            return current.withoutModule(moduleId);
        });
    }

    /** Empties a device's cloud-to-device queue; returns how many messages it held. */
    public int purgeCommandQueue(String deviceId) {
        int[] purged = new int[1];
        store.update(deviceId, current -> {
            if (current == null) {
                throw HubException.deviceNotFound(deviceId);
            }
            purged[0] = current.identity().cloudToDeviceMessageCount();
            if (purged[0] == 0) {
                return current;
            }
            return current.withIdentity(current.identity().withCloudToDeviceMessageCount(0, etags.nextIdentityEtag()));
        });
        return purged[0];
    }

    /** Device counts for {@code GET /statistics/devices}. */
    public record DeviceStatistics(long total, long enabled, long disabled) {
    }

    public DeviceStatistics statistics() {
        long total = 0;
        long enabled = 0;
        for (DeviceEntry entry : store.after(null)) {
            total++;
            if (entry.identity().enabled()) {
                enabled++;
            }
        }
        return new DeviceStatistics(total, enabled, total - enabled);
    }

    /** Connected devices for {@code GET /statistics/service}. */
    public long connectedDeviceCount() {
        long connected = 0;
        for (DeviceEntry entry : store.after(null)) {
            if (entry.identity().connectionState() == ConnectionState.Connected) {
                connected++;
            }
        }
        return connected;
    }

    /** Applies a change to a device's twin; used by twin writes that hold no identity change. */
    public DeviceEntry updateEntry(String deviceId, UnaryOperator<DeviceEntry> change) {
        return store.update(deviceId, current -> {
            if (current == null) {
                throw HubException.deviceNotFound(deviceId);
            }
            return change.apply(current);
        });
    }

    public EtagSequence etags() {
        return etags;
    }

    public Clock clock() {
        return clock;
    }

    public DeviceStore store() {
        return store;
    }
}
