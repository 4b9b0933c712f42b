package io.hubgate.server;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.CreateModuleRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.Module;
import io.hubgate.api.v1.QueryResult;
import io.hubgate.api.v1.QueryTwinsRequest;
import io.hubgate.api.v1.QueryTwinsResponse;
import io.hubgate.api.v1.ReplaceTwinRequest;
import io.hubgate.api.v1.StreamQueryTwinsRequest;
import io.hubgate.api.v1.Twin;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.emulator.devices.SimulatedDevices.Target;
import io.hubgate.emulator.json.Json;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A twin whose device reported thousands of tiny properties (a device controls its own reported
 * section, up to 32 KB) is served whole by every read, every write's answer and every query row.
 * The Java SDK's twin parsing re-validates the whole collection per key (quadratic: about 45 s of
 * a core for 3,000 keys), so these reads must not go through it. Elapsed times are printed for
 * the reader, never asserted.
 */
class ManyKeyTwinTest {

    /** 3,000 keys of 5 characters with boolean values: about 27 KB by IoT Hub's measure, under 32 KB. */
    private static final int KEYS = 3000;

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static String deviceReporting(int keys) {
        String id = TestGateway.uniqueId("many");
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
        report(new Target(id, null), keys);
        return id;
    }

    private static void report(Target target, int keys) {
        var reported = Json.object();
        for (int i = 0; i < keys; i++) {
            reported.put(key(i), i % 2 == 0);
        }
        gateway.hub().devices().report(target, reported);
    }

    private static String key(int i) {
        return String.format("k%04d", i);
    }

    private static void assertWhole(Twin twin, String id) {
        assertThat(twin.getDeviceId()).isEqualTo(id);
        Struct reported = twin.getReported().getProperties();
        assertThat(reported.getFieldsCount()).isEqualTo(KEYS);
        assertThat(reported.getFieldsMap().get(key(0))).isEqualTo(Value.newBuilder().setBoolValue(true).build());
        assertThat(reported.getFieldsMap().get(key(KEYS - 1))).isEqualTo(Value.newBuilder().setBoolValue(false).build());
        assertThat(twin.getReported().getMetadata().getFieldsMap()).containsKey(key(KEYS - 1));
        assertThat(twin.getEtag()).isNotEmpty();
    }

    private static <T> T timed(String what, Supplier<T> call) {
        long start = System.nanoTime();
        T result = call.get();
        System.out.printf("ManyKeyTwinTest: %s with %d reported keys took %d ms%n", what, KEYS,
                (System.nanoTime() - start) / 1_000_000);
        return result;
    }

    @Test
    void getTwin_ofADeviceWithThousandsOfReportedKeys_returnsTheWholeTwin() {
        String id = deviceReporting(KEYS);

        Twin twin = timed("GetTwin", () -> gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build()));

        assertWhole(twin, id);
    }

    @Test
    void getTwin_ofAModuleWithThousandsOfReportedKeys_returnsTheWholeTwin() {
        String id = TestGateway.uniqueId("many-mod");
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
        gateway.registry().createModule(CreateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(id).setModuleId("m")).build());
        report(new Target(id, "m"), KEYS);

        Twin twin = timed("GetTwin (module)", () -> gateway.twins().getTwin(GetTwinRequest.newBuilder()
                .setDeviceId(id).setModuleId("m").build()));

        assertWhole(twin, id);
        assertThat(twin.getModuleId()).isEqualTo("m");
    }

    @Test
    void updateTwin_onADeviceWithThousandsOfReportedKeys_answersTheWholeTwin() {
        String id = deviceReporting(KEYS);
        Struct desired = Struct.newBuilder().putFields("mode", Value.newBuilder().setStringValue("eco").build()).build();

        Twin twin = timed("UpdateTwin", () -> gateway.twins().updateTwin(UpdateTwinRequest.newBuilder()
                .setDeviceId(id).setDesired(desired).build()));

        assertWhole(twin, id);
        assertThat(twin.getDesired().getProperties()).isEqualTo(desired);
    }

    @Test
    void replaceTwin_onADeviceWithThousandsOfReportedKeys_answersTheWholeTwin() {
        String id = deviceReporting(KEYS);
        Struct tags = Struct.newBuilder().putFields("site", Value.newBuilder().setStringValue("ams").build()).build();

        Twin twin = timed("ReplaceTwin", () -> gateway.twins().replaceTwin(ReplaceTwinRequest.newBuilder()
                .setDeviceId(id).setTags(tags).build()));

        assertWhole(twin, id);
        assertThat(twin.getTags()).isEqualTo(tags);
    }

    @Test
    void queryTwins_rowOfADeviceWithThousandsOfReportedKeys_isTheWholeTwin() {
        String id = deviceReporting(KEYS);

        QueryTwinsResponse page = timed("QueryTwins", () -> gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setQuery("SELECT * FROM devices WHERE deviceId = '" + id + "'").build()));

        assertThat(page.getResultsList()).hasSize(1);
        assertWhole(page.getResults(0).getTwin(), id);
    }

    @Test
    void streamQueryTwins_rowOfADeviceWithThousandsOfReportedKeys_isTheWholeTwin() {
        String id = deviceReporting(KEYS);

        List<QueryResult> results = timed("StreamQueryTwins", () -> {
            List<QueryResult> all = new ArrayList<>();
            gateway.twins().streamQueryTwins(StreamQueryTwinsRequest.newBuilder()
                    .setQuery("SELECT * FROM devices WHERE deviceId = '" + id + "'").build()).forEachRemaining(all::add);
            return all;
        });

        assertThat(results).hasSize(1);
        assertWhole(results.get(0).getTwin(), id);
    }
}
