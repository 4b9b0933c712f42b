package io.hubgate.emulator;

import com.azure.core.credential.TokenRequestContext;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.support.EntraClients;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official service SDK authenticated by real azure-identity credentials whose tokens come
 * from the emulator's local Entra.
 */
class EntraCredentialSdkTest {

    @Test
    void clientSecretCredential_getsATokenThatTheRegistryAccepts() throws Exception {
        EmulatorCoordinates hub = TestHub.coordinates();
        RegistryClient registry = new RegistryClient(hub.hostWithPort(), EntraClients.clientSecret(hub, DefaultDirectory.GATEWAY));
        String deviceId = TestHub.uniqueId("secret");

        registry.addDevice(new Device(deviceId));

        assertThat(registry.getDevice(deviceId).getDeviceId()).isEqualTo(deviceId);
    }
}
