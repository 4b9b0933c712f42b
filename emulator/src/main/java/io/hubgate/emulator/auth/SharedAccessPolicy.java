package io.hubgate.emulator.auth;

import io.hubgate.emulator.http.AccessRight;
import io.hubgate.emulator.store.SymmetricKeys;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** A hub-level shared access policy: a name, two keys and the rights it grants. */
public record SharedAccessPolicy(String keyName, SymmetricKeys keys, Set<AccessRight> rights) {

    public SharedAccessPolicy {
        rights = Set.copyOf(rights);
    }

    /** The policies every new IoT hub has, each with freshly generated keys. */
    public static List<SharedAccessPolicy> defaults() {
        return List.of(
                new SharedAccessPolicy("iothubowner", SymmetricKeys.generate(), EnumSet.of(
                        AccessRight.REGISTRY_READ, AccessRight.REGISTRY_WRITE, AccessRight.SERVICE_CONNECT,
                        AccessRight.DEVICE_CONNECT)),
                new SharedAccessPolicy("service", SymmetricKeys.generate(), EnumSet.of(AccessRight.SERVICE_CONNECT)),
                new SharedAccessPolicy("device", SymmetricKeys.generate(), EnumSet.of(AccessRight.DEVICE_CONNECT)),
                new SharedAccessPolicy("registryRead", SymmetricKeys.generate(), EnumSet.of(AccessRight.REGISTRY_READ)),
                new SharedAccessPolicy("registryReadWrite", SymmetricKeys.generate(),
                        EnumSet.of(AccessRight.REGISTRY_READ, AccessRight.REGISTRY_WRITE)));
    }

    @Override
    public String toString() {
        return "SharedAccessPolicy[" + keyName + " " + rights + "]";
    }
}
