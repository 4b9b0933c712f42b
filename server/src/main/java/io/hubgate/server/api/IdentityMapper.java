package io.hubgate.server.api;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.auth.SymmetricKey;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.twin.DeviceCapabilities;
import io.hubgate.api.v1.ConnectionState;
import io.hubgate.api.v1.DeviceStatus;
import io.hubgate.api.v1.SymmetricKeys;
import io.hubgate.api.v1.X509Thumbprints;

/**
 * Maps devices and modules between the proto API and the IoT Hub SDK. Keys are copied into a
 * response only when the caller asked for them (and was allowed to: that check is the caller's).
 */
final class IdentityMapper {

    private IdentityMapper() {
    }

    static io.hubgate.api.v1.Device toProto(Device device, boolean withKeys) {
        io.hubgate.api.v1.Device.Builder proto = io.hubgate.api.v1.Device.newBuilder()
                .setDeviceId(device.getDeviceId())
                .setEtag(nullToEmpty(device.getETag()))
                .setGenerationId(nullToEmpty(device.getGenerationId()))
                .setStatus(device.getStatus() == com.microsoft.azure.sdk.iot.service.registry.DeviceStatus.Disabled
                        ? DeviceStatus.DEVICE_STATUS_DISABLED : DeviceStatus.DEVICE_STATUS_ENABLED)
                .setStatusReason(nullToEmpty(device.getStatusReason()))
                .setConnectionState(connectionState(device.getConnectionState()))
                .setCloudToDeviceMessageCount((int) device.getCloudToDeviceMessageCount())
                .setAuthenticationType(authenticationType(device.getAuthenticationType()))
                .setIotEdge(device.getCapabilities() != null && Boolean.TRUE.equals(device.getCapabilities().isIotEdge()))
                .setDeviceScope(nullToEmpty(device.getScope()));
        if (device.getParentScopes() != null) {
            proto.addAllParentScopes(device.getParentScopes());
        }
        setIfPresent(Timestamps.parse(device.getStatusUpdatedTime()), proto::setStatusUpdatedTime);
        setIfPresent(Timestamps.parse(device.getConnectionStateUpdatedTime()), proto::setConnectionStateUpdatedTime);
        setIfPresent(Timestamps.parse(device.getLastActivityTime()), proto::setLastActivityTime);
        if (device.getPrimaryThumbprint() != null) {
            proto.setX509Thumbprints(thumbprints(device.getPrimaryThumbprint(), device.getSecondaryThumbprint()));
        }
        if (withKeys && device.getSymmetricKey() != null) {
            proto.setSymmetricKeys(keys(device.getSymmetricKey()));
        }
        return proto.build();
    }

    static io.hubgate.api.v1.Module toProto(Module module, boolean withKeys) {
        io.hubgate.api.v1.Module.Builder proto = io.hubgate.api.v1.Module.newBuilder()
                .setDeviceId(module.getDeviceId())
                .setModuleId(module.getId())
                .setEtag(nullToEmpty(module.getETag()))
                .setGenerationId(nullToEmpty(module.getGenerationId()))
                .setManagedBy(nullToEmpty(module.getManagedBy()))
                .setConnectionState(connectionState(module.getConnectionState()))
                .setCloudToDeviceMessageCount((int) module.getCloudToDeviceMessageCount())
                .setAuthenticationType(authenticationType(module.getAuthenticationType()));
        setIfPresent(Timestamps.parse(module.getConnectionStateUpdatedTime()), proto::setConnectionStateUpdatedTime);
        setIfPresent(Timestamps.parse(module.getLastActivityTime()), proto::setLastActivityTime);
        if (module.getPrimaryThumbprint() != null) {
            proto.setX509Thumbprints(thumbprints(module.getPrimaryThumbprint(), module.getSecondaryThumbprint()));
        }
        if (withKeys && module.getSymmetricKey() != null) {
            proto.setSymmetricKeys(keys(module.getSymmetricKey()));
        }
        return proto.build();
    }

    /** A new SDK device from a create request (already validated). */
    static Device newDevice(io.hubgate.api.v1.Device proto) {
        Device device = new Device(proto.getDeviceId(), sdkAuthenticationType(proto.getAuthenticationType()));
        applyCredentials(device, proto.getAuthenticationType(), proto.hasSymmetricKeys() ? proto.getSymmetricKeys() : null,
                proto.hasX509Thumbprints() ? proto.getX509Thumbprints() : null);
        if (proto.getStatus() == DeviceStatus.DEVICE_STATUS_DISABLED) {
            device.setStatus(com.microsoft.azure.sdk.iot.service.registry.DeviceStatus.Disabled);
        }
        if (proto.getIotEdge()) {
            DeviceCapabilities capabilities = new DeviceCapabilities();
            capabilities.setIotEdge(true);
            device.setCapabilities(capabilities);
        }
        if (!proto.getDeviceScope().isEmpty()) {
            device.setScope(proto.getDeviceScope());
        }
        device.getParentScopes().addAll(proto.getParentScopesList());
        return device;
    }

    /** A new SDK module from a create request (already validated). */
    static Module newModule(io.hubgate.api.v1.Module proto) {
        Module module = new Module(proto.getDeviceId(), proto.getModuleId(), sdkAuthenticationType(proto.getAuthenticationType()));
        applyCredentials(module, proto.getAuthenticationType(), proto.hasSymmetricKeys() ? proto.getSymmetricKeys() : null,
                proto.hasX509Thumbprints() ? proto.getX509Thumbprints() : null);
        return module;
    }

    /**
     * Sets keys or thumbprints on an SDK identity. Empty SAS keys keep what the SDK generated (a
     * new identity) or what the identity has (an update).
     */
    static void applyCredentials(com.microsoft.azure.sdk.iot.service.registry.RegistryIdentity identity,
                                 io.hubgate.api.v1.AuthenticationType type, SymmetricKeys keys, X509Thumbprints thumbprints) {
        if (type == io.hubgate.api.v1.AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED && thumbprints != null) {
            identity.setThumbprint(thumbprints.getPrimaryThumbprint(),
                    thumbprints.getSecondaryThumbprint().isEmpty() ? null : thumbprints.getSecondaryThumbprint());
        } else if (keys != null && !keys.getPrimaryKey().isEmpty()) {
            SymmetricKey symmetricKey = new SymmetricKey();
            symmetricKey.setPrimaryKey(keys.getPrimaryKey());
            symmetricKey.setSecondaryKey(keys.getSecondaryKey());
            identity.setSymmetricKey(symmetricKey);
        }
    }

    static AuthenticationType sdkAuthenticationType(io.hubgate.api.v1.AuthenticationType type) {
        return switch (type) {
            case AUTHENTICATION_TYPE_SELF_SIGNED -> AuthenticationType.SELF_SIGNED;
            case AUTHENTICATION_TYPE_CERTIFICATE_AUTHORITY -> AuthenticationType.CERTIFICATE_AUTHORITY;
            default -> AuthenticationType.SAS;
        };
    }

    static io.hubgate.api.v1.AuthenticationType authenticationType(AuthenticationType type) {
        if (type == null) {
            return io.hubgate.api.v1.AuthenticationType.AUTHENTICATION_TYPE_NONE;
        }
        return switch (type) {
            case SAS -> io.hubgate.api.v1.AuthenticationType.AUTHENTICATION_TYPE_SAS;
            case SELF_SIGNED -> io.hubgate.api.v1.AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED;
            case CERTIFICATE_AUTHORITY -> io.hubgate.api.v1.AuthenticationType.AUTHENTICATION_TYPE_CERTIFICATE_AUTHORITY;
        };
    }

    static ConnectionState connectionState(DeviceConnectionState state) {
        if (state == null) {
            return ConnectionState.CONNECTION_STATE_UNSPECIFIED;
        }
        return state == DeviceConnectionState.Connected
                ? ConnectionState.CONNECTION_STATE_CONNECTED : ConnectionState.CONNECTION_STATE_DISCONNECTED;
    }

    private static SymmetricKeys keys(SymmetricKey key) {
        return SymmetricKeys.newBuilder().setPrimaryKey(nullToEmpty(key.getPrimaryKey()))
                .setSecondaryKey(nullToEmpty(key.getSecondaryKey())).build();
    }

    private static X509Thumbprints thumbprints(String primary, String secondary) {
        return X509Thumbprints.newBuilder().setPrimaryThumbprint(nullToEmpty(primary))
                .setSecondaryThumbprint(nullToEmpty(secondary)).build();
    }

    private static <T> void setIfPresent(T value, java.util.function.Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}
