package io.hubgate.server.service;

import com.google.protobuf.Struct;
import io.hubgate.api.v1.ConnectionState;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading twin documents as IoT Hub (and the emulator) sends them into the API's twin. */
class TwinJsonTest {

    /** A twin as the service sends it: never active, tags, one desired key, no reported keys. */
    private static final String NEVER_ACTIVE = """
            {"deviceId":"bench-3","etag":"AAAAAAAAABA=","deviceEtag":"MTQ=","status":"enabled",
             "statusUpdateTime":"0001-01-01T00:00:00Z","connectionState":"Disconnected",
             "lastActivityTime":"0001-01-01T00:00:00Z","cloudToDeviceMessageCount":0,"authenticationType":"sas",
             "x509Thumbprint":{"primaryThumbprint":null,"secondaryThumbprint":null},"modelId":"","version":2,
             "tags":{"bucket":3},
             "properties":{
               "desired":{"interval":3,"nested":{"a":1},
                          "$metadata":{"$lastUpdated":"2026-12-06T07:36:52.610Z","$lastUpdatedVersion":2,
                                       "interval":{"$lastUpdated":"2026-12-06T07:36:52.610Z","$lastUpdatedVersion":2},
                                       "nested":{"$lastUpdated":"2026-12-06T07:36:53.000Z","$lastUpdatedVersion":2,
                                                 "a":{"$lastUpdated":"2026-12-06T07:36:53.000Z","$lastUpdatedVersion":2}}},
                          "$version":2},
               "reported":{"$metadata":{"$lastUpdated":"2026-12-06T07:36:52.610Z"},"$version":1}},
             "capabilities":{"iotEdge":false}}
            """;

    @Test
    void toProto_rebuildsEachSectionsMetadataTree_keyByKey() {
        io.hubgate.api.v1.Twin twin = TwinJson.read(NEVER_ACTIVE);

        Struct desired = twin.getDesired().getMetadata();
        assertThat(desired.getFieldsOrThrow("$lastUpdated").getStringValue()).isEqualTo("2026-12-06T07:36:52.610Z");
        assertThat(desired.getFieldsOrThrow("$lastUpdatedVersion").getNumberValue()).isEqualTo(2);
        Struct interval = desired.getFieldsOrThrow("interval").getStructValue();
        assertThat(interval.getFieldsMap()).containsOnlyKeys("$lastUpdated", "$lastUpdatedVersion");
        assertThat(interval.getFieldsOrThrow("$lastUpdated").getStringValue()).isEqualTo("2026-12-06T07:36:52.610Z");
        // A nested object's tree has the object's shape.
        assertThat(desired.getFieldsOrThrow("nested").getStructValue().getFieldsOrThrow("a").hasStructValue()).isTrue();
        assertThat(twin.getDesired().getProperties().getFieldsOrThrow("interval").getNumberValue()).isEqualTo(3);
        assertThat(twin.getDesired().getVersion()).isEqualTo(2);

        Struct reported = twin.getReported().getMetadata();
        assertThat(reported.getFieldsMap()).containsOnlyKeys("$lastUpdated");
        assertThat(twin.getReported().getProperties().getFieldsCount()).isZero();
        assertThat(twin.getTags().getFieldsOrThrow("bucket").getNumberValue()).isEqualTo(3);
    }

    @Test
    void toProto_neverActive_leavesLastActivityUnset() {
        io.hubgate.api.v1.Twin twin = TwinJson.read(NEVER_ACTIVE);

        assertThat(twin.hasLastActivityTime()).isFalse();
        assertThat(twin.getConnectionState()).isEqualTo(ConnectionState.CONNECTION_STATE_DISCONNECTED);
        assertThat(twin.getEtag()).isEqualTo("AAAAAAAAABA=");
        assertThat(twin.getVersion()).isEqualTo(2);
    }

    @Test
    void toProto_activeTwin_carriesItsLastActivity() {
        io.hubgate.api.v1.Twin twin = TwinJson.read(NEVER_ACTIVE
                .replace("\"lastActivityTime\":\"0001-01-01T00:00:00Z\"", "\"lastActivityTime\":\"2026-12-06T07:36:52.6100000Z\"")
                .replace("\"Disconnected\"", "\"Connected\""));

        assertThat(twin.getLastActivityTime().getSeconds()).isEqualTo(Instant.parse("2026-12-06T07:36:52Z").getEpochSecond());
        assertThat(twin.getLastActivityTime().getNanos()).isEqualTo(610_000_000);
        assertThat(twin.getConnectionState()).isEqualTo(ConnectionState.CONNECTION_STATE_CONNECTED);
    }

    @Test
    void parse_yearOneInAnySpelling_isNever_andYearTwoIsATime() {
        assertThat(Timestamps.parse("0001-01-01T00:00:00Z")).isNull();
        assertThat(Timestamps.parse("0001-01-01T00:00:00")).isNull();
        assertThat(Timestamps.parse("0001-01-01T00:00:00.0000000Z")).isNull();
        assertThat(Timestamps.parse("0001-12-31T23:59:59.999Z")).isNull();
        assertThat(Timestamps.parse("0002-01-01T00:00:00Z").getSeconds()).isEqualTo(Instant.parse("0002-01-01T00:00:00Z").getEpochSecond());
        // An offset that moves a year-1 time into year 2 (UTC) is a time.
        assertThat(Timestamps.parse("0001-12-31T23:00:00-02:00")).isNotNull();
        assertThat(Timestamps.parse("not a time")).isNull();
        assertThat(Timestamps.parse(" ")).isNull();
        assertThat(Timestamps.of(Instant.parse("0001-12-31T23:59:59Z"))).isNull();
    }

    @Test
    void read_keepsNestedStampsArraysAndNulls_andSkipsFieldsItDoesNotKnow() {
        io.hubgate.api.v1.Twin twin = TwinJson.read("""
                {"deviceId":"d1","moduleId":"m1","unknown":{"deep":[1,{"x":2}]},"version":7,
                 "tags":{"list":[1,"two",{"three":3},null],"none":null},
                 "properties":{"reported":{"n":{"a":1},"$version":4,
                   "$metadata":{"$lastUpdated":"2026-12-06T07:36:52.6100000Z","$other":{"x":1},
                                "n":{"$lastUpdated":"2026-12-06T07:36:53Z","$lastUpdatedVersion":4,
                                     "a":{"$lastUpdated":"2026-12-06T07:36:53Z","$lastUpdatedVersion":4}}}}},
                 "capabilities":{"iotEdge":true}}
                """);

        assertThat(twin.getModuleId()).isEqualTo("m1");
        assertThat(twin.getVersion()).isEqualTo(7);
        assertThat(twin.getIotEdge()).isTrue();
        assertThat(twin.getTags().getFieldsOrThrow("list").getListValue().getValuesCount()).isEqualTo(4);
        assertThat(twin.getTags().getFieldsOrThrow("none").hasNullValue()).isTrue();
        assertThat(twin.getReported().getVersion()).isEqualTo(4);
        assertThat(twin.getReported().getProperties().getFieldsMap()).containsOnlyKeys("n");
        Struct metadata = twin.getReported().getMetadata();
        assertThat(metadata.getFieldsMap()).containsOnlyKeys("$lastUpdated", "n");
        assertThat(metadata.getFieldsOrThrow("$lastUpdated").getStringValue()).isEqualTo("2026-12-06T07:36:52.6100000Z");
        assertThat(metadata.getFieldsOrThrow("n").getStructValue().getFieldsOrThrow("a").getStructValue()
                .getFieldsOrThrow("$lastUpdatedVersion").getNumberValue()).isEqualTo(4);
    }

    @Test
    void read_ofTextThatIsNotATwinObject_isIllegalArgument() {
        assertThatThrownBy(() -> TwinJson.read("[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TwinJson.read("{\"tags\":{\"a\":")).isInstanceOf(IllegalArgumentException.class);
    }
}
