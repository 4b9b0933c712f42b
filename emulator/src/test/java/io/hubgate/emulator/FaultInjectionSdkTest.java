package io.hubgate.emulator;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubInternalServerErrorException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubServerBusyException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyRequestsException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.SdkErrors;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Injected faults as the official Java SDK sees them, on a private hub so that no other test
 * class meets them. Rules are added through the control route, as a test in another process would.
 */
class FaultInjectionSdkTest {

    private static IotHubEmulator hub;
    private static RawHub raw;
    private static RegistryClient registry;
    private static TwinClient twins;
    private static QueryClient query;
    private static DirectMethodsClient methods;
    private static String deviceId;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.privateEmulator().build().start();
        EmulatorCoordinates at = hub.coordinates();
        raw = new RawHub(at);
        AzureSasCredential owner = new AzureSasCredential(at.sasToken("iothubowner", Duration.ofHours(1)));
        registry = new RegistryClient(at.hostWithPort(), owner);
        twins = new TwinClient(at.hostWithPort(), owner);
        query = new QueryClient(at.hostWithPort(), owner);
        methods = new DirectMethodsClient(at.hostWithPort(), owner);
        deviceId = registry.addDevice(new Device("faulty")).getDeviceId();
    }

    @AfterEach
    void clearFaults() {
        assertThat(raw.send("DELETE", "/_emulator/faults", null, Map.of()).status()).isEqualTo(204);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static String inject(String rule) {
        RawHub.Response created = raw.send("POST", "/_emulator/faults", rule, Map.of());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").textValue();
    }

    private static long fired(String id) {
        for (var rule : raw.send("GET", "/_emulator/faults", null, Map.of()).json().get("faults")) {
            if (rule.get("id").textValue().equals(id)) {
                return rule.get("fired").longValue();
            }
        }
        return -1;
    }

    @Test
    void throttle_isTooManyRequestsWith429001() {
        inject("{\"operationClass\":\"twinRead\",\"kind\":\"throttle\",\"retryAfterSeconds\":2,\"count\":1}");

        assertThatThrownBy(() -> twins.get(deviceId))
                .isInstanceOf(IotHubTooManyRequestsException.class)
                .satisfies(SdkErrors.named(HubErrorCode.THROTTLING_EXCEPTION));
    }

    @Test
    void throttle_carriesRetryAfterOnlyWhenAsked() {
        inject("{\"operationClass\":\"twinRead\",\"kind\":\"throttle\",\"retryAfterSeconds\":2,\"count\":1}");
        RawHub.Response withHeader = raw.call("GET", "/twins/" + deviceId, null);
        inject("{\"operationClass\":\"twinRead\",\"kind\":\"throttle\",\"count\":1}");
        RawHub.Response without = raw.call("GET", "/twins/" + deviceId, null);

        assertThat(withHeader.status()).isEqualTo(429);
        assertThat(withHeader.errorCode()).isEqualTo(429001);
        assertThat(withHeader.headers()).containsEntry("retry-after", "2").containsEntry("iothub-errorcode", "ThrottlingException");
        assertThat(without.status()).isEqualTo(429);
        assertThat(without.headers()).doesNotContainKey("retry-after");
    }

    @Test
    void throttleBacklog_is429002() {
        inject("{\"operationClass\":\"registry\",\"kind\":\"throttle\",\"errorCode\":429002,\"count\":1}");

        assertThatThrownBy(() -> registry.getDevice(deviceId))
                .isInstanceOf(IotHubTooManyRequestsException.class)
                .satisfies(SdkErrors.named(HubErrorCode.THROTTLE_BACKLOG_LIMIT_EXCEEDED));
    }

    @Test
    void error503_isServerBusyWith503001() {
        inject("{\"operationClass\":\"query\",\"kind\":\"error\",\"status\":503,\"count\":1}");

        assertThatThrownBy(() -> query.queryTwins("SELECT * FROM devices"))
                .isInstanceOf(IotHubServerBusyException.class)
                .satisfies(SdkErrors.named(HubErrorCode.SERVICE_UNAVAILABLE));
    }

    @Test
    void error500_isInternalServerErrorWith500001() {
        inject("{\"operationClass\":\"twinWrite\",\"kind\":\"error\",\"status\":500,\"count\":1}");
        Twin patch = new Twin(deviceId);
        patch.getDesiredProperties().put("mode", "eco");

        assertThatThrownBy(() -> twins.patch(patch))
                .isInstanceOf(IotHubInternalServerErrorException.class)
                .satisfies(SdkErrors.named(HubErrorCode.SERVER_ERROR));
    }

    @Test
    void methodsFault_reachesDirectMethodCalls() {
        inject("{\"operationClass\":\"methods\",\"kind\":\"error\",\"count\":1}");

        assertThatThrownBy(() -> methods.invoke(deviceId, "reboot"))
                .isInstanceOf(IotHubInternalServerErrorException.class)
                .satisfies(SdkErrors.sixDigit(HubErrorCode.SERVER_ERROR));
    }

    @Test
    void latency_makesTheCallAtLeastThatSlow_thenItSucceeds() throws Exception {
        inject("{\"operationClass\":\"registry\",\"kind\":\"latency\",\"latencyMs\":400,\"count\":1}");

        long started = System.nanoTime();
        Device device = registry.getDevice(deviceId);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(device.getDeviceId()).isEqualTo(deviceId);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(raw.send("GET", "/_emulator/faults", null, Map.of()).json().get("faults")).isEmpty();
    }

    @Test
    void drop_thatOutlastsTheJdkRetry_isAnIOExceptionInTheSdk() {
        // HttpURLConnection resends a request once when the connection closes without a status
        // line, so the SDK sees the failure when both attempts are dropped.
        inject("{\"operationClass\":\"registry\",\"kind\":\"drop\",\"count\":2}");

        assertThatThrownBy(() -> registry.getDevice(deviceId)).isInstanceOf(IOException.class);
    }

    @Test
    void drop_ofOneRequest_isAbsorbedByTheJdkRetry() throws Exception {
        String id = inject("{\"operationClass\":\"registry\",\"kind\":\"drop\",\"rate\":1.0}");
        assertThatThrownBy(() -> registry.getDevice(deviceId)).isInstanceOf(IOException.class);
        assertThat(fired(id)).isEqualTo(2);
        raw.send("DELETE", "/_emulator/faults/" + id, null, Map.of());

        inject("{\"operationClass\":\"registry\",\"kind\":\"drop\",\"count\":1}");
        assertThat(registry.getDevice(deviceId).getDeviceId()).isEqualTo(deviceId);
        assertThat(raw.send("GET", "/_emulator/faults", null, Map.of()).json().get("faults")).isEmpty();
    }

    @Test
    void dropAfter_runsTheHandlerThenDropsTheAnswer_soTheSdksSilentResendOfACreateMeetsItsOwnDevice() {
        // This is the SDK defect the gateway's controlled path exists for: HttpURLConnection
        // resends a PUT whose answer was lost, so a create that succeeded is reported as a conflict.
        String id = TestHub.uniqueId("dropafter");
        String rule = inject("{\"operationClass\":\"registry\",\"kind\":\"dropAfter\",\"count\":1}");

        assertThatThrownBy(() -> registry.addDevice(new Device(id)))
                .isInstanceOf(com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException.class);
        assertThat(fired(rule)).as("only the first request was dropped").isEqualTo(-1);
        assertThat(hub.store().get(id)).as("the first request created the device").isNotNull();
        assertThat(hub.requestCounts().count(io.hubgate.emulator.http.Operation.CREATE_OR_UPDATE_DEVICE))
                .as("the device was PUT twice").isGreaterThanOrEqualTo(2);
    }

    @Test
    void requestCounts_countEveryRoutedRequestByOperation_andAreServedOnTheControlSurface() throws Exception {
        long before = hub.requestCounts().count(io.hubgate.emulator.http.Operation.GET_DEVICE);
        registry.getDevice(deviceId);
        registry.getDevice(deviceId);

        assertThat(hub.requestCounts().count(io.hubgate.emulator.http.Operation.GET_DEVICE)).isEqualTo(before + 2);
        assertThat(raw.send("GET", "/_emulator/requests", null, Map.of()).json().at("/counts/GET_DEVICE").longValue())
                .isEqualTo(before + 2);
    }

    @Test
    void nextN_failsExactlyNCalls_thenTheOperationSucceeds() throws Exception {
        inject("{\"operationClass\":\"registry\",\"kind\":\"throttle\",\"count\":3}");

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> registry.getDevice(deviceId)).isInstanceOf(IotHubTooManyRequestsException.class);
        }
        assertThat(registry.getDevice(deviceId).getDeviceId()).isEqualTo(deviceId);
        assertThat(registry.getDevice(deviceId).getDeviceId()).isEqualTo(deviceId);
    }

    @Test
    void rateOne_failsEveryCall_andRateZero_none() throws Exception {
        String never = inject("{\"operationClass\":\"twinRead\",\"kind\":\"error\",\"status\":503,\"rate\":0.0}");
        for (int i = 0; i < 20; i++) {
            assertThat(twins.get(deviceId).getDeviceId()).isEqualTo(deviceId);
        }
        String always = inject("{\"operationClass\":\"twinRead\",\"kind\":\"error\",\"status\":503,\"rate\":1.0}");
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> twins.get(deviceId)).isInstanceOf(IotHubServerBusyException.class);
        }

        assertThat(fired(never)).isZero();
        assertThat(fired(always)).isEqualTo(20);
    }

    @Test
    void aTwinReadFault_leavesRegistryAndTwinWritesAlone() throws Exception {
        inject("{\"operationClass\":\"twinRead\",\"kind\":\"throttle\",\"rate\":1.0}");
        Twin patch = new Twin(deviceId);
        patch.getTags().put("checked", true);

        assertThat(registry.getDevice(deviceId).getDeviceId()).isEqualTo(deviceId);
        assertThat(twins.patch(patch).getTags()).containsKey("checked");
        assertThatThrownBy(() -> twins.get(deviceId)).isInstanceOf(IotHubTooManyRequestsException.class);
    }

    @Test
    void aFaultForAllClasses_neverTouchesTheControlSurface() {
        inject("{\"kind\":\"error\",\"rate\":1.0}");

        assertThatThrownBy(() -> registry.getDevice(deviceId)).isInstanceOf(IotHubInternalServerErrorException.class);
        assertThat(raw.send("GET", "/_emulator/faults", null, Map.of()).status()).isEqualTo(200);
    }
}
