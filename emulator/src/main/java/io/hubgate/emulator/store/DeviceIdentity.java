package io.hubgate.emulator.store;

import java.time.Instant;
import java.util.List;

/**
 * A device's identity-registry record. Immutable: an update builds a new record, so readers
 * never see half of a write.
 *
 * @param etag            opaque version of this record (changes on every write)
 * @param enabled         IoT Hub's {@code status}: enabled or disabled
 * @param statusUpdatedTime null when the status was never changed after creation
 */
public record DeviceIdentity(
        String deviceId,
        String generationId,
        String etag,
        boolean enabled,
        String statusReason,
        Instant statusUpdatedTime,
        ConnectionState connectionState,
        Instant connectionStateUpdatedTime,
        Instant lastActivityTime,
        int cloudToDeviceMessageCount,
        AuthenticationMechanism authentication,
        boolean iotEdge,
        String deviceScope,
        List<String> parentScopes) {

    public DeviceIdentity {
        parentScopes = parentScopes == null ? List.of() : List.copyOf(parentScopes);
    }

    public DeviceIdentity withConnection(ConnectionState state, Instant changedAt, Instant activity, String newEtag) {
        return new DeviceIdentity(deviceId, generationId, newEtag, enabled, statusReason, statusUpdatedTime,
                state, changedAt, activity, cloudToDeviceMessageCount,
                authentication, iotEdge, deviceScope, parentScopes);
    }

    public DeviceIdentity withCloudToDeviceMessageCount(int count, String newEtag) {
        return new DeviceIdentity(deviceId, generationId, newEtag, enabled, statusReason, statusUpdatedTime,
                connectionState, connectionStateUpdatedTime, lastActivityTime, count,
                authentication, iotEdge, deviceScope, parentScopes);
    }
}
