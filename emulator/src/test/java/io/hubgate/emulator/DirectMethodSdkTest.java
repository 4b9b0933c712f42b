package io.hubgate.emulator;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Direct methods through the official Java SDK when no device is connected. */
class DirectMethodSdkTest {

    private static RegistryClient registry;
    private static DirectMethodsClient methods;

    @BeforeAll
    static void connect() {
        registry = new RegistryClient(TestHub.coordinates().hostWithPort(), TestHub.sas("iothubowner"));
        methods = new DirectMethodsClient(TestHub.coordinates().hostWithPort(), TestHub.sas("service"));
    }

    @Test
    void invokeOnOfflineDevice_isDeviceNotOnline404103() throws Exception {
        String id = registry.addDevice(new Device(TestHub.uniqueId("offline"))).getDeviceId();

        assertThatThrownBy(() -> methods.invoke(id, "reboot",
                DirectMethodRequestOptions.builder().payload(Map.of("delay", 5)).build()))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404103))
                .hasMessageContaining("isn't online");
    }

    @Test
    void invokeOnOfflineModule_isDeviceNotOnline404103() throws Exception {
        String id = registry.addDevice(new Device(TestHub.uniqueId("offmod"))).getDeviceId();
        registry.addModule(new Module(id, "edgeAgent"));

        assertThatThrownBy(() -> methods.invoke(id, "edgeAgent", "ping"))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404103));
    }

    @Test
    void invokeOnUnknownDevice_isDeviceNotFound404001() {
        assertThatThrownBy(() -> methods.invoke(TestHub.uniqueId("nobody"), "reboot"))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404001));
    }

    @Test
    void invokeOnUnknownModule_isModuleNotFound404010() throws Exception {
        String id = registry.addDevice(new Device(TestHub.uniqueId("nomodule"))).getDeviceId();

        assertThatThrownBy(() -> methods.invoke(id, "ghost", "reboot"))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404010));
    }
}
