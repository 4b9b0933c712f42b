package io.hubgate.emulator;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubGatewayTimeoutException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.query.TwinQueryResponse;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The device side played through the control surface, observed through the official Java SDK. */
class SimulatedDeviceTest {

    private static RegistryClient registry;
    private static TwinClient twins;
    private static DirectMethodsClient methods;
    private static RawHub control;

    @BeforeAll
    static void connect() {
        String host = TestHub.coordinates().hostWithPort();
        registry = new RegistryClient(host, TestHub.sas("iothubowner"));
        twins = new TwinClient(host, TestHub.sas("service"));
        methods = new DirectMethodsClient(host, TestHub.sas("service"));
        control = new RawHub(TestHub.coordinates());
    }

    private static String newDevice(String prefix) throws Exception {
        return registry.addDevice(new Device(TestHub.uniqueId(prefix))).getDeviceId();
    }

    private static void controlOk(String method, String path, String body) {
        RawHub.Response response = control.send(method, "/_emulator" + path, body, Map.of());
        assertThat(response.status()).as(response.body()).isBetween(200, 299);
    }

    @Test
    void connect_marksTheDeviceConnected_andDisconnectReverts() throws Exception {
        String id = newDevice("conn");

        controlOk("POST", "/devices/" + id + "/connect", null);
        Device connected = registry.getDevice(id);
        controlOk("POST", "/devices/" + id + "/disconnect", null);
        Device disconnected = registry.getDevice(id);

        assertThat(connected.getConnectionState()).isEqualTo(DeviceConnectionState.Connected);
        assertThat(connected.getConnectionStateUpdatedTime()).doesNotStartWith("0001");
        assertThat(connected.getLastActivityTime()).doesNotStartWith("0001");
        assertThat(disconnected.getConnectionState()).isEqualTo(DeviceConnectionState.Disconnected);
        assertThat(twins.get(id).getConnectionState()).isEqualToIgnoringCase("Disconnected");
    }

    @Test
    void disabledDevice_cannotConnect() throws Exception {
        Device device = registry.addDevice(new Device(TestHub.uniqueId("disabled")));
        device.setStatus(DeviceStatus.Disabled);
        registry.updateDevice(device);

        RawHub.Response response = control.send("POST", "/_emulator/devices/" + device.getDeviceId() + "/connect", null, Map.of());

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorMessage()).contains("disabled");
    }

    @Test
    void reportedProperties_appearInTheTwinWithVersionAndMetadata_andInQueries() throws Exception {
        String id = newDevice("reported");

        controlOk("PATCH", "/devices/" + id + "/reported", "{\"temperature\":21.5,\"firmware\":{\"version\":\"1.2\"}}");
        controlOk("PATCH", "/devices/" + id + "/reported", "{\"temperature\":22.5}");
        Twin twin = twins.get(id);

        assertThat(twin.getReportedProperties()).containsKeys("temperature", "firmware");
        assertThat(((Number) twin.getReportedProperties().get("temperature")).doubleValue()).isEqualTo(22.5);
        assertThat(twin.getReportedProperties().getVersion()).isEqualTo(3);
        assertThat(twin.getReportedProperties().getTwinMetadata("temperature").getLastUpdated()).isNotNull();
        assertThat(twin.getDesiredProperties().getVersion()).isEqualTo(1);
        QueryClient query = new QueryClient(TestHub.coordinates().hostWithPort(), TestHub.sas("service"));
        TwinQueryResponse found = query.queryTwins("SELECT * FROM devices WHERE deviceId = '" + id
                + "' AND properties.reported.temperature > 22 AND properties.reported.firmware.version = '1.2'");
        assertThat(found.hasNext()).isTrue();
        assertThat(found.next().getDeviceId()).isEqualTo(id);
    }

    @Test
    void reportedPropertiesWithBadKey_areRefused() throws Exception {
        String id = newDevice("badreport");

        RawHub.Response response = control.send("PATCH", "/_emulator/devices/" + id + "/reported", "{\"a.b\":1}", Map.of());

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo(400004);
    }

    @Test
    void directMethod_onConnectedDeviceWithHandler_returnsItsStatusAndPayload_andTheDeviceSawTheCall() throws Exception {
        String id = newDevice("method");
        controlOk("PUT", "/devices/" + id + "/methods/reboot", "{\"status\":201,\"payload\":{\"rebooting\":true},\"delayMs\":50}");
        controlOk("POST", "/devices/" + id + "/connect", null);

        DirectMethodResponse response = methods.invoke(id, "reboot",
                DirectMethodRequestOptions.builder().payload(Map.of("in", 5)).methodResponseTimeoutSeconds(10).build());

        assertThat(response.getStatus()).isEqualTo(201);
        assertThat(response.getPayloadAsJsonString()).isEqualTo("{\"rebooting\":true}");
        RawHub.Response calls = control.send("GET", "/_emulator/devices/" + id + "/methods/reboot/calls", null, Map.of());
        assertThat(calls.json()).hasSize(1);
        assertThat(calls.json().get(0).at("/payload/in").intValue()).isEqualTo(5);
        assertThat(calls.json().get(0).get("responseTimeoutInSeconds").intValue()).isEqualTo(10);
    }

    @Test
    void directMethod_echoAndWildcardHandlers_onAModule() throws Exception {
        String id = newDevice("modmethod");
        registry.addModule(new Module(id, "sensor"));
        controlOk("PUT", "/devices/" + id + "/modules/sensor/methods/*", "{\"echo\":true}");
        controlOk("POST", "/devices/" + id + "/modules/sensor/connect", null);

        DirectMethodResponse response = methods.invoke(id, "sensor", "anything",
                DirectMethodRequestOptions.builder().payload(Map.of("x", "y")).build());

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getPayloadAsJsonString()).isEqualTo("{\"x\":\"y\"}");
    }

    @Test
    void directMethod_connectedButNoHandler_isDeviceNotOnline404103() throws Exception {
        String id = newDevice("nohandler");
        controlOk("POST", "/devices/" + id + "/connect", null);

        assertThatThrownBy(() -> methods.invoke(id, "reboot"))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404103));
    }

    @Test
    void directMethod_handlerButDisconnected_isDeviceNotOnline404103() throws Exception {
        String id = newDevice("offline");
        controlOk("PUT", "/devices/" + id + "/methods/reboot", "{}");

        assertThatThrownBy(() -> methods.invoke(id, "reboot"))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404103));
    }

    @Test
    void directMethod_deviceThatNeverAnswers_isGatewayTimeout504101AfterTheResponseTimeout() throws Exception {
        String id = newDevice("silent");
        controlOk("PUT", "/devices/" + id + "/methods/hang", "{\"answer\":false}");
        controlOk("POST", "/devices/" + id + "/connect", null);
        long start = System.nanoTime();

        assertThatThrownBy(() -> methods.invoke(id, "hang",
                DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(5).methodConnectTimeoutSeconds(5).build()))
                .isInstanceOf(IotHubGatewayTimeoutException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(504101));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void deletedDevice_takesItsMethodHandlersWithIt() throws Exception {
        String id = newDevice("recreated");
        controlOk("PUT", "/devices/" + id + "/methods/reboot", "{\"status\":299}");
        registry.removeDevice(id);
        registry.addDevice(new Device(id));
        controlOk("POST", "/devices/" + id + "/connect", null);

        assertThatThrownBy(() -> methods.invoke(id, "reboot"))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404103));
    }

    @Test
    void controlSurface_refusesEveryPolicyButTheOwner() {
        for (String policy : new String[]{"service", "registryRead", "registryReadWrite", "device"}) {
            RawHub notOwner = new RawHub(TestHub.coordinates())
                    .authorization(TestHub.coordinates().sasToken(policy, Duration.ofMinutes(5)));

            RawHub.Response response = notOwner.send("POST", "/_emulator/reset", null, Map.of());

            assertThat(response.status()).as(policy).isEqualTo(401);
            assertThat(response.errorCode()).as(policy).isEqualTo(401002);
        }
    }

    @Test
    void controlSurface_badBehaviour_isRefusedWithTheField() throws Exception {
        String id = newDevice("badbehaviour");

        RawHub.Response response = control.send("PUT", "/_emulator/devices/" + id + "/methods/m", "{\"delayMs\":-1}", Map.of());

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorMessage()).contains("delayMs");
    }

    @Test
    void reset_emptiesAPrivateHub() throws Exception {
        try (IotHubEmulator hub = TestHub.privateEmulator().build().start()) {
            RawHub raw = new RawHub(hub.coordinates());
            assertThat(raw.call("PUT", "/devices/one", "{}").status()).isEqualTo(200);

            assertThat(raw.send("POST", "/_emulator/reset", null, Map.of()).status()).isEqualTo(204);

            assertThat(raw.call("GET", "/devices/one", null).status()).isEqualTo(404);
            assertThat(hub.store().size()).isZero();
        }
    }
}
