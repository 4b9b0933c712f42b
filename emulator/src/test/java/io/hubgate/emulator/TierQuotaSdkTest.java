package io.hubgate.emulator;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyRequestsException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.hubgate.emulator.faults.HubTier;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.SdkErrors;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tier quotas as the official Java SDK meets them. Each test switches the quota on through the
 * control route (fresh, full buckets) and off again afterwards. Bounds allow for the tokens that
 * flow back while a burst is running, computed from the burst's own duration, so a slow machine
 * widens the band instead of failing it.
 */
class TierQuotaSdkTest {

    private static IotHubEmulator hub;
    private static RawHub raw;
    private static RegistryClient registry;
    private static TwinClient twins;
    private static String deviceId;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.privateEmulator().build().start();
        EmulatorCoordinates at = hub.coordinates();
        raw = new RawHub(at);
        AzureSasCredential owner = new AzureSasCredential(at.sasToken("iothubowner", Duration.ofHours(1)));
        registry = new RegistryClient(at.hostWithPort(), owner);
        twins = new TwinClient(at.hostWithPort(), owner);
        deviceId = registry.addDevice(new Device("metered")).getDeviceId();
    }

    @AfterEach
    void quotaOff() {
        assertThat(raw.send("DELETE", "/_emulator/quota", null, Map.of()).status()).isEqualTo(204);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static void quota(String tier, int units) {
        RawHub.Response put = raw.send("PUT", "/_emulator/quota", "{\"tier\":\"" + tier + "\",\"units\":" + units + "}", Map.of());
        assertThat(put.status()).as(put.body()).isEqualTo(200);
    }

    /** What a burst did: calls that succeeded, calls throttled with 429001, and how long it took. */
    private record Burst(int succeeded, int throttled, double seconds) {
    }

    /** Fires {@code calls} calls from {@code threads} threads as fast as they go. */
    private static Burst burst(int calls, int threads, Callable<?> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Boolean>> results = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            results.add(pool.submit(() -> {
                try {
                    call.call();
                    return true;
                } catch (IotHubTooManyRequestsException throttled) {
                    assertThat(throttled).satisfies(SdkErrors.named(HubErrorCode.THROTTLING_EXCEPTION));
                    return false;
                }
            }));
        }
        int succeeded = 0;
        for (Future<Boolean> result : results) {
            if (result.get(60, TimeUnit.SECONDS)) {
                succeeded++;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        return new Burst(succeeded, calls - succeeded, seconds);
    }

    @Test
    void s1OneUnit_throttlesRegistryOperationsAfterAbout100() throws Exception {
        quota("S1", 1);

        Burst burst = burst(130, 4, () -> registry.getDevice(deviceId));

        // 100 in the bucket, plus one token per 0.6 s of the burst.
        int refilled = (int) Math.ceil(burst.seconds() * 100 / 60);
        assertThat(burst.succeeded()).as(burst.toString()).isBetween(100, 100 + refilled + 1);
        assertThat(burst.throttled()).isEqualTo(130 - burst.succeeded());
    }

    @Test
    void s1_throttlesTwinReadsAtAbout100PerSecond() throws Exception {
        quota("S1", 1);

        Burst burst = burst(600, 8, () -> twins.get(deviceId));

        int refilled = (int) Math.ceil(burst.seconds() * 100);
        assertThat(burst.succeeded()).as(burst.toString()).isBetween(100, 100 + refilled + 1);
    }

    /** Sends registry calls until the first refusal (at most 200); returns it and how many went through. */
    private static RawHub.Response firstRefusal(RawHub client, int[] admitted) {
        for (int i = 0; i < 200; i++) {
            RawHub.Response response = client.call("GET", "/statistics/devices", null);
            if (response.status() != 200) {
                return response;
            }
            admitted[0]++;
        }
        throw new AssertionError("200 registry operations in a row were admitted");
    }

    @Test
    void throttledByQuota_namesTierAndLimit_withRetryAfter() {
        quota("S1", 1);
        int[] admitted = {0};
        long started = System.nanoTime();

        RawHub.Response refused = firstRefusal(raw, admitted);

        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(admitted[0]).isBetween(100, 100 + (int) Math.ceil(seconds * 100 / 60) + 1);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.errorCode()).isEqualTo(429001);
        assertThat(refused.errorMessage()).contains("tier S1 with 1 unit").contains("100 registry operations per minute");
        assertThat(Integer.parseInt(refused.headers().get("retry-after"))).isBetween(1, 60);
    }

    @Test
    void switchingTiers_changesWhereThrottlingStarts() throws Exception {
        quota("S1", 1);
        Burst s1 = burst(130, 4, () -> registry.getDevice(deviceId));
        quota("S3", 1);
        Burst s3 = burst(130, 4, () -> registry.getDevice(deviceId));
        quota("S2", 2);
        Burst s2 = burst(230, 4, () -> registry.getDevice(deviceId));
        raw.send("DELETE", "/_emulator/quota", null, Map.of());
        Burst none = burst(130, 4, () -> registry.getDevice(deviceId));

        assertThat(s1.throttled()).as(s1.toString()).isPositive();
        assertThat(s3.throttled()).as(s3.toString()).isZero();
        assertThat(s2.succeeded()).as(s2.toString()).isBetween(200, 200 + (int) Math.ceil(s2.seconds() * 200 / 60) + 1);
        assertThat(none.throttled()).isZero();
    }

    @Test
    void quotaRoute_showsTheTierInForceAndItsLimits() {
        assertThat(raw.send("GET", "/_emulator/quota", null, Map.of()).json().get("enabled").booleanValue()).isFalse();
        quota("S2", 30);

        var shown = raw.send("GET", "/_emulator/quota", null, Map.of()).json();

        assertThat(shown.get("tier").textValue()).isEqualTo("S2");
        assertThat(shown.get("units").intValue()).isEqualTo(30);
        assertThat(shown.get("limits").get("twinRead").textValue()).isEqualTo("300 twin reads per second");
        assertThat(shown.get("limits").get("registry").textValue()).isEqualTo("3000 registry operations per minute");
        assertThat(shown.get("limits").get("methods").textValue()).startsWith("14400 KB");
    }

    @Test
    void anEmulatorStartedWithATier_throttlesFromTheStart_andResetRefillsIt() throws Exception {
        try (IotHubEmulator metered = TestHub.privateEmulator().quota(HubTier.S1, 1).build().start()) {
            RawHub client = new RawHub(metered.coordinates());
            int[] admitted = {0};
            long started = System.nanoTime();
            assertThat(firstRefusal(client, admitted).errorCode()).isEqualTo(429001);
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(admitted[0]).isBetween(100, 100 + (int) Math.ceil(seconds * 100 / 60) + 1);

            assertThat(client.send("POST", "/_emulator/reset", null, Map.of()).status()).isEqualTo(204);

            assertThat(client.call("GET", "/statistics/devices", null).status()).isEqualTo(200);
            assertThat(metered.faults().quota()).hasValueSatisfying(q -> assertThat(q.tier()).isEqualTo(HubTier.S1));
        }
    }

    @Test
    void quotaRefusal_isTheSdksThrottlingException() {
        quota("S1", 1);
        firstRefusal(raw, new int[1]);

        assertThatThrownBy(() -> registry.getDevice(deviceId))
                .isInstanceOf(IotHubTooManyRequestsException.class)
                .satisfies(SdkErrors.named(HubErrorCode.THROTTLING_EXCEPTION))
                .hasMessageContaining("tier S1");
    }
}
