package io.hubgate.emulator;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryStatistics;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.support.SdkErrors;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Devices, modules and statistics through the official Java SDK's RegistryClient, over HTTPS with SAS. */
class DeviceRegistrySdkTest {

    private static RegistryClient registry;

    @BeforeAll
    static void connect() {
        registry = new RegistryClient(TestHub.coordinates().hostWithPort(), TestHub.sas("iothubowner"));
    }

    @Test
    void addDevice_returnsDeviceWithGeneratedFieldsAndTheSdksKeys() throws Exception {
        Device request = new Device(TestHub.uniqueId("add"));
        String sdkPrimaryKey = request.getPrimaryKey();

        Device created = registry.addDevice(request);

        assertThat(created.getDeviceId()).isEqualTo(request.getDeviceId());
        assertThat(created.getETag()).isNotBlank();
        assertThat(created.getGenerationId()).hasSize(18);
        assertThat(created.getStatus()).isEqualTo(DeviceStatus.Enabled);
        assertThat(created.getConnectionState()).isEqualTo(DeviceConnectionState.Disconnected);
        assertThat(created.getAuthenticationType()).isEqualTo(AuthenticationType.SAS);
        assertThat(created.getPrimaryKey()).isEqualTo(sdkPrimaryKey);
    }

    @Test
    void getDevice_returnsWhatWasCreated() throws Exception {
        Device created = registry.addDevice(new Device(TestHub.uniqueId("get")));

        Device fetched = registry.getDevice(created.getDeviceId());

        assertThat(fetched.getETag()).isEqualTo(created.getETag());
        assertThat(fetched.getGenerationId()).isEqualTo(created.getGenerationId());
        assertThat(fetched.getSecondaryKey()).isEqualTo(created.getSecondaryKey());
    }

    @Test
    void addDevice_twice_isConflict409001() throws Exception {
        String id = TestHub.uniqueId("dup");
        registry.addDevice(new Device(id));

        assertThatThrownBy(() -> registry.addDevice(new Device(id)))
                .isInstanceOf(IotHubConflictException.class)
                .satisfies(SdkErrors.named(HubErrorCode.DEVICE_ALREADY_EXISTS));
    }

    @Test
    void getDevice_missing_isNotFound404001() {
        assertThatThrownBy(() -> registry.getDevice(TestHub.uniqueId("missing")))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(SdkErrors.named(HubErrorCode.DEVICE_NOT_FOUND));
    }

    @Test
    void updateDevice_disables_andChangesEtagAndStatusTime() throws Exception {
        Device created = registry.addDevice(new Device(TestHub.uniqueId("upd")));
        created.setStatus(DeviceStatus.Disabled);

        Device updated = registry.updateDevice(created);

        assertThat(updated.getStatus()).isEqualTo(DeviceStatus.Disabled);
        assertThat(updated.getETag()).isNotEqualTo(created.getETag());
        assertThat(updated.getGenerationId()).isEqualTo(created.getGenerationId());
        assertThat(updated.getStatusUpdatedTime()).isNotEqualTo(created.getStatusUpdatedTime());
        assertThat(registry.getDevice(created.getDeviceId()).getStatus()).isEqualTo(DeviceStatus.Disabled);
    }

    @Test
    void updateDevice_missing_isNotFound() {
        assertThatThrownBy(() -> registry.updateDevice(new Device(TestHub.uniqueId("ghost"))))
                .isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void removeDevice_withStaleEtag_isPreconditionFailed412001_andKeepsTheDevice() throws Exception {
        Device stale = registry.addDevice(new Device(TestHub.uniqueId("stale")));
        Device fresh = registry.getDevice(stale.getDeviceId());
        fresh.setStatus(DeviceStatus.Disabled);
        registry.updateDevice(fresh);

        assertThatThrownBy(() -> registry.removeDevice(stale))
                .isInstanceOf(IotHubPreconditionFailedException.class)
                .satisfies(SdkErrors.named(HubErrorCode.PRECONDITION_FAILED));
        assertThat(registry.getDevice(stale.getDeviceId())).isNotNull();
    }

    @Test
    void removeDevice_deletesIt_andItsTwin() throws Exception {
        Device created = registry.addDevice(new Device(TestHub.uniqueId("del")));

        registry.removeDevice(created.getDeviceId());

        assertThatThrownBy(() -> registry.getDevice(created.getDeviceId())).isInstanceOf(IotHubNotFoundException.class);
        assertThatThrownBy(() -> registry.removeDevice(created.getDeviceId())).isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void addDevice_withAmpersandInId_isRefused400004() {
        assertThatThrownBy(() -> registry.addDevice(new Device("bad&id")))
                .isInstanceOf(IotHubBadFormatException.class)
                .satisfies(SdkErrors.named(HubErrorCode.ARGUMENT_INVALID));
    }

    @Test
    void addDevice_withIdOf129Characters_isRefused400004() {
        assertThatThrownBy(() -> registry.addDevice(new Device("x".repeat(129))))
                .isInstanceOf(IotHubBadFormatException.class)
                .satisfies(SdkErrors.named(HubErrorCode.ARGUMENT_INVALID));
    }

    @Test
    void addDevice_selfSigned_keepsThumbprints() throws Exception {
        Device device = new Device(TestHub.uniqueId("x509"), AuthenticationType.SELF_SIGNED);
        device.setThumbprint("A".repeat(40), "B".repeat(40));

        Device created = registry.addDevice(device);

        assertThat(created.getAuthenticationType()).isEqualTo(AuthenticationType.SELF_SIGNED);
        assertThat(created.getPrimaryThumbprint()).isEqualTo("A".repeat(40));
        assertThat(created.getSecondaryThumbprint()).isEqualTo("B".repeat(40));
    }

    @Test
    void modules_createGetListUpdateDelete() throws Exception {
        String deviceId = TestHub.uniqueId("mod");
        registry.addDevice(new Device(deviceId));

        Module created = registry.addModule(new Module(deviceId, "m1"));
        registry.addModule(new Module(deviceId, "m2"));
        Module fetched = registry.getModule(deviceId, "m1");
        List<Module> listed = registry.getModulesOnDevice(deviceId);
        Module updated = registry.updateModule(fetched);
        registry.removeModule(deviceId, "m2");

        assertThat(created.getId()).isEqualTo("m1");
        assertThat(fetched.getETag()).isEqualTo(created.getETag());
        assertThat(listed).extracting(Module::getId).containsExactly("m1", "m2");
        assertThat(updated.getETag()).isNotEqualTo(created.getETag());
        assertThat(registry.getModulesOnDevice(deviceId)).extracting(Module::getId).containsExactly("m1");
    }

    @Test
    void addModule_twice_isConflict409301() throws Exception {
        String deviceId = TestHub.uniqueId("moddup");
        registry.addDevice(new Device(deviceId));
        registry.addModule(new Module(deviceId, "m"));

        assertThatThrownBy(() -> registry.addModule(new Module(deviceId, "m")))
                .isInstanceOf(IotHubConflictException.class)
                .satisfies(SdkErrors.named(HubErrorCode.MODULE_ALREADY_EXISTS_ON_DEVICE));
    }

    @Test
    void getModule_missing_isNotFound404010_andOnMissingDevice404001() throws Exception {
        String deviceId = TestHub.uniqueId("modmiss");
        registry.addDevice(new Device(deviceId));

        assertThatThrownBy(() -> registry.getModule(deviceId, "none"))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(SdkErrors.named(HubErrorCode.MODULE_NOT_FOUND));
        assertThatThrownBy(() -> registry.addModule(new Module(TestHub.uniqueId("nodevice"), "m")))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(SdkErrors.named(HubErrorCode.DEVICE_NOT_FOUND));
    }

    @Test
    void addModule_past50_isTooManyModules413003() throws Exception {
        String deviceId = TestHub.uniqueId("many");
        registry.addDevice(new Device(deviceId));
        for (int i = 0; i < 50; i++) {
            registry.addModule(new Module(deviceId, "m" + i));
        }

        assertThatThrownBy(() -> registry.addModule(new Module(deviceId, "m50")))
                .isInstanceOf(IotHubException.class)
                .satisfies(SdkErrors.named(HubErrorCode.TOO_MANY_MODULES_ON_DEVICE));
        assertThat(registry.getModulesOnDevice(deviceId)).hasSize(50);
    }

    @Test
    void tokenSignedWithAnotherKey_isUnauthorized401002_andCreatesNothing() throws Exception {
        EmulatorCoordinates at = TestHub.coordinates();
        String forged = io.hubgate.common.SasToken.create(at.hubHostName(), "iothubowner",
                io.hubgate.emulator.store.SymmetricKeys.randomKey(), java.time.Instant.now().plusSeconds(3600));
        RegistryClient intruder = new RegistryClient(at.hostWithPort(), new com.azure.core.credential.AzureSasCredential(forged));
        String id = TestHub.uniqueId("forged");

        assertThatThrownBy(() -> intruder.addDevice(new Device(id)))
                .isInstanceOf(IotHubUnauthorizedException.class)
                .satisfies(SdkErrors.named(HubErrorCode.IOTHUB_UNAUTHORIZED_ACCESS));
        assertThatThrownBy(() -> registry.getDevice(id)).isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void registryReadPolicy_canReadButNotWrite() throws Exception {
        String id = registry.addDevice(new Device(TestHub.uniqueId("ro"))).getDeviceId();
        RegistryClient reader = new RegistryClient(TestHub.coordinates().hostWithPort(), TestHub.sas("registryRead"));

        assertThat(reader.getDevice(id).getDeviceId()).isEqualTo(id);
        assertThatThrownBy(() -> reader.removeDevice(id))
                .isInstanceOf(IotHubUnauthorizedException.class)
                .hasMessageContaining("RegistryWrite");
    }

    @Test
    void getStatistics_countsEnabledAndDisabledDevices() throws Exception {
        try (IotHubEmulator isolated = TestHub.privateEmulator().build().start()) {
            EmulatorCoordinates at = isolated.coordinates();
            RegistryClient client = new RegistryClient(at.hostWithPort(),
                    new com.azure.core.credential.AzureSasCredential(at.sasToken("registryRead", java.time.Duration.ofHours(1))));
            RegistryClient writer = new RegistryClient(at.hostWithPort(),
                    new com.azure.core.credential.AzureSasCredential(at.sasToken("registryReadWrite", java.time.Duration.ofHours(1))));
            writer.addDevice(new Device("a"));
            writer.addDevice(new Device("b"));
            Device c = writer.addDevice(new Device("c"));
            c.setStatus(DeviceStatus.Disabled);
            writer.updateDevice(c);

            RegistryStatistics statistics = client.getStatistics();

            assertThat(statistics.getTotalDeviceCount()).isEqualTo(3);
            assertThat(statistics.getEnabledDeviceCount()).isEqualTo(2);
            assertThat(statistics.getDisabledDeviceCount()).isEqualTo(1);
        }
    }
}
