package io.hubgate.emulator;

import com.azure.core.credential.AzureSasCredential;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.query.QueryPageOptions;
import com.microsoft.azure.sdk.iot.service.query.RawQueryResponse;
import com.microsoft.azure.sdk.iot.service.query.TwinQueryResponse;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.support.SdkErrors;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The query language through the official Java SDK's QueryClient, on a private hub with a known
 * population: 35 devices in three regions, every fifth disabled, some with reported-like tags.
 */
class QuerySdkTest {

    private static final int DEVICES = 35;
    private static IotHubEmulator hub;
    private static QueryClient query;

    @BeforeAll
    static void populate() throws Exception {
        hub = TestHub.privateEmulator().build().start();
        EmulatorCoordinates at = hub.coordinates();
        AzureSasCredential owner = new AzureSasCredential(at.sasToken("iothubowner", Duration.ofHours(1)));
        RegistryClient registry = new RegistryClient(at.hostWithPort(), owner);
        TwinClient twins = new TwinClient(at.hostWithPort(), owner);
        for (int i = 0; i < DEVICES; i++) {
            String id = String.format("q-%02d", i);
            Device device = registry.addDevice(new Device(id));
            if (i % 5 == 0) {
                device.setStatus(DeviceStatus.Disabled);
                registry.updateDevice(device);
            }
            Twin twin = new Twin(id);
            twin.getTags().put("region", List.of("eu", "us", "asia").get(i % 3));
            twin.getTags().put("floor", i);
            if (i < 10) {
                twin.getDesiredProperties().put("firmware", "1." + i);
            }
            twins.patch(twin);
        }
        registry.addModule(new Module("q-00", "alpha"));
        registry.addModule(new Module("q-00", "beta"));
        registry.addModule(new Module("q-01", "alpha"));
        query = new QueryClient(at.hostWithPort(), new AzureSasCredential(at.sasToken("service", Duration.ofHours(1))));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static List<Twin> all(String text, int pageSize) throws Exception {
        QueryPageOptions options = QueryPageOptions.builder().pageSize(pageSize).build();
        TwinQueryResponse response = query.queryTwins(text, options);
        List<Twin> result = new ArrayList<>();
        while (response.hasNext()) {
            result.add(response.next(options));
        }
        return result;
    }

    private static List<JsonObject> raw(String text) throws Exception {
        RawQueryResponse response = query.queryRaw(text);
        List<JsonObject> result = new ArrayList<>();
        while (response.hasNext()) {
            result.add(JsonParser.parseString(response.next()).getAsJsonObject());
        }
        return result;
    }

    @Test
    void selectStar_pagesThroughEveryTwinExactlyOnce() throws Exception {
        List<Twin> twins = all("SELECT * FROM devices", 10);

        assertThat(twins).hasSize(DEVICES);
        assertThat(twins).extracting(Twin::getDeviceId).doesNotHaveDuplicates();
        assertThat(twins.get(0).getTags()).containsKey("region");
    }

    @Test
    void paging_stopsExactlyWhenResultsRunOut() throws Exception {
        assertThat(all("SELECT * FROM devices WHERE tags.region = 'eu'", 4)).hasSize(12);
        assertThat(all("SELECT * FROM devices WHERE tags.floor < 10", 5)).hasSize(10);
    }

    @Test
    void where_combinesComparisonsInAndFunctions() throws Exception {
        assertThat(all("SELECT * FROM devices WHERE status = 'disabled'", 50)).hasSize(7);
        assertThat(all("SELECT * FROM devices WHERE tags.region IN ['eu', 'us'] AND NOT (tags.floor >= 30)", 50)).hasSize(20);
        assertThat(all("SELECT * FROM devices WHERE IS_DEFINED(properties.desired.firmware)", 50)).hasSize(10);
        assertThat(all("SELECT * FROM devices WHERE STARTSWITH(deviceId, 'q-3')", 50)).hasSize(5);
        assertThat(all("SELECT * FROM devices WHERE ENDSWITH(deviceId, '7') OR tags.floor = 0", 50)).hasSize(4);
        assertThat(all("SELECT * FROM devices WHERE tags.region NIN ['eu']", 50)).hasSize(23);
    }

    @Test
    void top_limitsAcrossPages() throws Exception {
        assertThat(all("SELECT TOP 7 * FROM devices", 3)).hasSize(7);
    }

    @Test
    void projection_returnsTheSelectedFieldsUnderTheirAliases() throws Exception {
        List<JsonObject> rows = raw("SELECT deviceId, tags.region AS r FROM devices WHERE tags.floor = 4");

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("deviceId").getAsString()).isEqualTo("q-04");
        assertThat(rows.get(0).get("r").getAsString()).isEqualTo("us");
    }

    @Test
    void count_andGroupBy_aggregate() throws Exception {
        List<JsonObject> count = raw("SELECT COUNT() AS n FROM devices WHERE tags.region = 'asia'");
        List<JsonObject> groups = raw("SELECT tags.region AS region, COUNT() AS n FROM devices GROUP BY tags.region");

        assertThat(count.get(0).get("n").getAsInt()).isEqualTo(11);
        Map<String, Integer> byRegion = new java.util.HashMap<>();
        groups.forEach(g -> byRegion.put(g.get("region").getAsString(), g.get("n").getAsInt()));
        assertThat(byRegion).containsExactlyInAnyOrderEntriesOf(Map.of("eu", 12, "us", 12, "asia", 11));
    }

    @Test
    void fromDevicesModules_returnsModuleTwins() throws Exception {
        List<Twin> modules = all("SELECT * FROM devices.modules WHERE moduleId = 'alpha'", 1);

        assertThat(modules).extracting(Twin::getDeviceId).containsExactly("q-00", "q-01");
        assertThat(modules).extracting(Twin::getModuleId).containsOnly("alpha");
    }

    @Test
    void syntaxError_isBadFormat400004WithThePosition() {
        assertThatThrownBy(() -> query.queryTwins("SELECT * FROM devices WHERE tags.a = "))
                .isInstanceOf(IotHubBadFormatException.class)
                .satisfies(SdkErrors.named(HubErrorCode.ARGUMENT_INVALID))
                .hasMessageContaining("position");
    }
}
