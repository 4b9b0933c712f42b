package io.hubgate.emulator.store;

import java.time.Instant;

/** A module's identity-registry record. Immutable; modules have no enabled/disabled status. */
public record ModuleIdentity(
        String deviceId,
        String moduleId,
        String generationId,
        String etag,
        String managedBy,
        ConnectionState connectionState,
        Instant connectionStateUpdatedTime,
        Instant lastActivityTime,
        int cloudToDeviceMessageCount,
        AuthenticationMechanism authentication) {

    public ModuleIdentity withConnection(ConnectionState state, Instant changedAt, Instant activity, String newEtag) {
        return new ModuleIdentity(deviceId, moduleId, generationId, newEtag, managedBy, state, changedAt,
                activity, cloudToDeviceMessageCount, authentication);
    }
}
