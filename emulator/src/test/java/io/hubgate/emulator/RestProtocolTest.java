package io.hubgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST protocol as SDKs other than Java's speak it, over plain HTTPS: quoted and weak
 * If-Match, percent-encoded ids, list and statistics shapes, method override (error bodies: ErrorBodyFormTest),
 * and query paging headers.
 */
class RestProtocolTest {

    private static RawHub hub;

    @BeforeAll
    static void connect() {
        hub = new RawHub(TestHub.coordinates());
    }

    private static String createDevice(String prefix) {
        String id = TestHub.uniqueId(prefix);
        RawHub.Response created = hub.call("PUT", "/devices/" + id, "{}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        return id;
    }

    private static String deviceEtag(String id) {
        return hub.call("GET", "/devices/" + id, null).json().get("etag").textValue();
    }

    private static String twinEtag(String id) {
        return hub.call("GET", "/twins/" + id, null).json().get("etag").textValue();
    }

    private static void assertError(RawHub.Response response, int status, int code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.errorCode()).as(response.body()).isEqualTo(code);
    }

    private static JsonNode parse(String text) {
        try {
            return Json.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    // ---- If-Match ----

    @Test
    void quotedStarIfMatch_updatesAndDeletesDevice() {
        String id = createDevice("quoted-star");
        RawHub.Response updated = hub.call("PUT", "/devices/" + id, "{\"status\":\"disabled\"}", Map.of("If-Match", "\"*\""));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().get("status").textValue()).isEqualTo("disabled");
        assertThat(hub.call("DELETE", "/devices/" + id, null, Map.of("If-Match", "\"*\"")).status()).isEqualTo(204);
        assertThat(hub.call("GET", "/devices/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void quotedIfMatch_matchesCurrentEtag() {
        String id = createDevice("quoted-etag");
        String etag = deviceEtag(id);
        RawHub.Response updated = hub.call("PUT", "/devices/" + id, "{\"status\":\"disabled\"}",
                Map.of("If-Match", "\"" + etag + "\""));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        String newEtag = updated.json().get("etag").textValue();
        assertThat(newEtag).isNotEqualTo(etag);
        assertThat(hub.call("DELETE", "/devices/" + id, null, Map.of("If-Match", "\"" + newEtag + "\"")).status())
                .isEqualTo(204);
    }

    @Test
    void unquotedIfMatch_matchesCurrentEtag() {
        String id = createDevice("unquoted-etag");
        RawHub.Response updated = hub.call("PUT", "/devices/" + id, "{\"status\":\"disabled\"}",
                Map.of("If-Match", deviceEtag(id)));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(hub.call("DELETE", "/devices/" + id, null, Map.of("If-Match", deviceEtag(id))).status()).isEqualTo(204);
    }

    @Test
    void weakIfMatch_matchesCurrentEtag() {
        String id = createDevice("weak-etag");
        RawHub.Response updated = hub.call("PUT", "/devices/" + id, "{\"status\":\"disabled\"}",
                Map.of("If-Match", "W/\"" + deviceEtag(id) + "\""));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        RawHub.Response patched = hub.call("PATCH", "/twins/" + id, "{\"tags\":{\"w\":1}}",
                Map.of("If-Match", "W/\"" + twinEtag(id) + "\""));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    }

    @Test
    void staleEtag_isRefusedWith412QuotedOrNot() {
        String id = createDevice("stale");
        String stale = deviceEtag(id);
        assertThat(hub.call("PUT", "/devices/" + id, "{\"status\":\"disabled\"}", Map.of("If-Match", "*")).status())
                .isEqualTo(200);
        String current = deviceEtag(id);
        for (String ifMatch : List.of(stale, "\"" + stale + "\"")) {
            assertError(hub.call("PUT", "/devices/" + id, "{\"status\":\"enabled\"}", Map.of("If-Match", ifMatch)), 412, 412001);
            assertError(hub.call("DELETE", "/devices/" + id, null, Map.of("If-Match", ifMatch)), 412, 412001);
        }
        assertThat(deviceEtag(id)).isEqualTo(current);
        assertThat(hub.call("GET", "/devices/" + id, null).json().get("status").textValue()).isEqualTo("disabled");
    }

    @Test
    void twinPatch_acceptsQuotedAndUnquotedIfMatch_andRefusesStaleOnes() {
        String id = createDevice("twin-ifmatch");
        String first = twinEtag(id);
        assertThat(hub.call("PATCH", "/twins/" + id, "{\"tags\":{\"n\":1}}", Map.of("If-Match", "\"*\"")).status())
                .isEqualTo(200);
        String second = twinEtag(id);
        assertThat(second).isNotEqualTo(first);
        assertThat(hub.call("PATCH", "/twins/" + id, "{\"tags\":{\"n\":2}}", Map.of("If-Match", "\"" + second + "\"")).status())
                .isEqualTo(200);
        String third = twinEtag(id);
        assertThat(hub.call("PATCH", "/twins/" + id, "{\"tags\":{\"n\":3}}", Map.of("If-Match", third)).status())
                .isEqualTo(200);
        String fourth = twinEtag(id);
        assertError(hub.call("PATCH", "/twins/" + id, "{\"tags\":{\"n\":9}}", Map.of("If-Match", "\"" + second + "\"")),
                412, 412001);
        assertError(hub.call("PATCH", "/twins/" + id, "{\"tags\":{\"n\":9}}", Map.of("If-Match", second)), 412, 412001);
        JsonNode twin = hub.call("GET", "/twins/" + id, null).json();
        assertThat(twin.get("etag").textValue()).isEqualTo(fourth);
        assertThat(twin.at("/tags/n").intValue()).isEqualTo(3);
    }

    // ---- ids in the path ----

    @Test
    void percentEncodedId_reachesTheDecodedDevice() {
        String suffix = TestHub.uniqueId("");
        String id = "dev$x" + suffix;
        RawHub.Response created = hub.call("PUT", "/devices/dev%24x" + suffix, "{}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().get("deviceId").textValue()).isEqualTo(id);
        assertThat(hub.call("GET", "/devices/" + id, null).status()).isEqualTo(200);
        assertThat(hub.call("GET", "/twins/dev%24x" + suffix, null).json().get("deviceId").textValue()).isEqualTo(id);
    }

    @Test
    void pathSegments_arePercentDecodedExactlyOnce_plusIsLiteral_andOnlyTheFirstQuestionMarkStartsTheQuery() {
        String suffix = TestHub.uniqueId("");
        // raw path segment as sent → the id the hub must store
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("%2572x" + suffix, "%72x" + suffix);   // "%25" decodes to "%" once, never again to "r"
        cases.put("a+b" + suffix, "a+b" + suffix);       // '+' in a path is a plus sign, not a space
        cases.put("a%2Bc" + suffix, "a+c" + suffix);
        cases.put("x%3Fy" + suffix, "x?y" + suffix);
        cases.put("h%23i" + suffix, "h#i" + suffix);
        cases.put("s;t" + suffix, "s;t" + suffix);
        cases.put("q%27%24" + suffix, "q'$" + suffix);
        cases.forEach((raw, id) -> {
            RawHub.Response created = hub.call("PUT", "/devices/" + raw, "{}");
            assertThat(created.status()).as(raw + ": " + created.body()).isEqualTo(200);
            assertThat(created.json().get("deviceId").textValue()).as(raw).isEqualTo(id);
            assertThat(TestHub.emulator().store().get(id)).as(raw + " stored as " + id).isNotNull();
        });
        assertThat(TestHub.emulator().store().get("r" + suffix)).as("%72 was not decoded a second time").isNull();

        String plain = createDevice("qm");
        RawHub.Response get = hub.send("GET", "/devices/" + plain + "?x=1&api-version=2021-04-12", null, Map.of());
        assertThat(get.status()).as("'?' ends the path: the device is " + plain).isEqualTo(200);
        assertThat(get.json().get("deviceId").textValue()).isEqualTo(plain);
    }

    @Test
    void encodedSlashInId_isRefusedAsInvalidId() {
        assertError(hub.call("PUT", "/devices/a%2Fb", "{}"), 400, 400004);
        assertThat(hub.call("GET", "/devices/a", null).status()).isEqualTo(404);
    }

    @Test
    void malformedPercentEscapeInId_isRefusedWith400() {
        RawHub.Response response = hub.sendRequestLine("GET", "/devices/dev%ZZ?api-version=2021-04-12");
        assertThat(response.status()).isEqualTo(400);
        RawHub.Response truncated = hub.sendRequestLine("GET", "/devices/dev%2?api-version=2021-04-12");
        assertThat(truncated.status()).isEqualTo(400);
    }

    @Test
    void bodyDeviceIdDifferentFromPath_isRefused() {
        String id = TestHub.uniqueId("mismatch");
        assertError(hub.call("PUT", "/devices/" + id, "{\"deviceId\":\"someone-else\"}"), 400, 400004);
        assertThat(hub.call("GET", "/devices/" + id, null).status()).isEqualTo(404);
    }

    // ---- device list ----

    @Test
    void deviceListWithTrailingSlash_isTheDeviceList() {
        createDevice("list-slash");
        RawHub.Response slash = hub.call("GET", "/devices/", null);
        assertThat(slash.status()).isEqualTo(200);
        assertThat(slash.json().isArray()).isTrue();
        assertThat(slash.json().size()).isPositive();
    }

    @Test
    void deviceListTop_isHonouredAndOutOfRangeCountsAsAThousand() {
        createDevice("list-top-a");
        createDevice("list-top-b");
        createDevice("list-top-c");
        int total = hub.call("GET", "/devices", null).json().size();
        assertThat(total).isGreaterThanOrEqualTo(3);
        assertThat(hub.call("GET", "/devices?top=2", null).json().size()).isEqualTo(2);
        assertThat(hub.call("GET", "/devices/?top=1", null).json().size()).isEqualTo(1);
        assertThat(hub.call("GET", "/devices?top=0", null).json().size()).isEqualTo(Math.min(total, 1000));
        assertThat(hub.call("GET", "/devices?top=5000", null).json().size()).isEqualTo(Math.min(total, 1000));
        assertError(hub.call("GET", "/devices?top=abc", null), 400, 400004);
    }

    @Test
    void deviceListTop_capsAtAThousandDevices() {
        try (IotHubEmulator own = TestHub.privateEmulator().build().start()) {
            RawHub raw = new RawHub(own.coordinates());
            StringBuilder batch = new StringBuilder();
            for (int chunk = 0; chunk < 11; chunk++) {
                batch.setLength(0);
                batch.append('[');
                for (int i = 0; i < 100; i++) {
                    batch.append(i == 0 ? "" : ",").append("{\"id\":\"d").append(chunk).append('-').append(i)
                            .append("\",\"importMode\":\"create\"}");
                }
                batch.append(']');
                assertThat(raw.call("POST", "/devices", batch.toString()).status()).isEqualTo(200);
            }
            assertThat(raw.call("GET", "/devices", null).json().size()).isEqualTo(1000);
            assertThat(raw.call("GET", "/devices?top=0", null).json().size()).isEqualTo(1000);
            assertThat(raw.call("GET", "/devices?top=5000", null).json().size()).isEqualTo(1000);
            assertThat(raw.call("GET", "/devices?top=1000", null).json().size()).isEqualTo(1000);
        }
    }

    // ---- bodies other SDKs send ----

    @Test
    void patchSentAsPostWithMethodOverride_patchesTheTwin() {
        String id = createDevice("override");
        RawHub.Response patched = hub.call("POST", "/twins/" + id, "{\"tags\":{\"via\":\"override\"}}",
                Map.of("X-HTTP-Method-Override", "PATCH"));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(hub.call("GET", "/twins/" + id, null).json().at("/tags/via").textValue()).isEqualTo("override");
    }

    @Test
    void nodeStyleCreateWithEmptyKeys_generatesKeys() {
        String id = TestHub.uniqueId("node");
        RawHub.Response created = hub.call("PUT", "/devices/" + id, "{\"deviceId\":\"" + id
                + "\",\"authentication\":{\"symmetricKey\":{\"primaryKey\":\"\",\"secondaryKey\":\"\"}}}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        JsonNode keys = created.json().at("/authentication/symmetricKey");
        assertThat(keys.get("primaryKey").textValue()).isNotEmpty();
        assertThat(keys.get("secondaryKey").textValue()).isNotEmpty().isNotEqualTo(keys.get("primaryKey").textValue());
        assertThat(created.json().at("/authentication/type").textValue()).isEqualTo("sas");
    }

    @Test
    void capitalisedStatus_isAccepted() {
        String id = TestHub.uniqueId("capital");
        RawHub.Response created = hub.call("PUT", "/devices/" + id, "{\"status\":\"Disabled\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().get("status").textValue()).isEqualTo("disabled");
        RawHub.Response updated = hub.call("PUT", "/devices/" + id, "{\"status\":\"Enabled\"}", Map.of("If-Match", "*"));
        assertThat(updated.json().get("status").textValue()).isEqualTo("enabled");
    }

    @Test
    void modulePut_answers201OnCreateAnd200OnUpdate() {
        String id = createDevice("module-put");
        RawHub.Response created = hub.call("PUT", "/devices/" + id + "/modules/m1", "{}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("moduleId").textValue()).isEqualTo("m1");
        RawHub.Response updated = hub.call("PUT", "/devices/" + id + "/modules/m1", "{\"managedBy\":\"me\"}",
                Map.of("If-Match", "\"*\""));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().get("managedBy").textValue()).isEqualTo("me");
        assertError(hub.call("PUT", "/devices/" + id + "/modules/m1", "{}"), 409, 409301);
    }

    @Test
    void purgeCommandQueue_answersCountAndIds() {
        String id = createDevice("purge");
        RawHub.Response purged = hub.call("DELETE", "/devices/" + id + "/commands", null);
        assertThat(purged.status()).isEqualTo(200);
        JsonNode json = purged.json();
        assertThat(json.get("totalMessagesPurged").intValue()).isZero();
        assertThat(json.get("deviceId").textValue()).isEqualTo(id);
        assertThat(json.has("moduleId")).isTrue();
        assertThat(json.get("moduleId").isNull()).isTrue();
        assertError(hub.call("DELETE", "/devices/" + TestHub.uniqueId("nobody") + "/commands", null), 404, 404001);
    }

    @Test
    void deviceStatistics_countEnabledAndDisabledUnderBothSpellings() {
        try (IotHubEmulator own = TestHub.privateEmulator().build().start()) {
            RawHub raw = new RawHub(own.coordinates());
            JsonNode empty = raw.call("GET", "/statistics/devices", null).json();
            assertThat(empty.get("totalDeviceCount").longValue()).isZero();
            raw.call("PUT", "/devices/a", "{}");
            raw.call("PUT", "/devices/b", "{}");
            raw.call("PUT", "/devices/c", "{\"status\":\"disabled\"}");
            JsonNode stats = raw.call("GET", "/statistics/devices", null).json();
            assertThat(stats.get("totalDeviceCount").longValue()).isEqualTo(3);
            assertThat(stats.get("enabledDeviceCount").longValue()).isEqualTo(2);
            assertThat(stats.get("enableDeviceCount").longValue()).isEqualTo(2);
            assertThat(stats.get("disabledDeviceCount").longValue()).isEqualTo(1);
            JsonNode service = raw.call("GET", "/statistics/service", null).json();
            assertThat(service.get("connectedDeviceCount").longValue()).isZero();
        }
    }

    // ---- errors ----

    @Test
    void unknownPath_isInvalidOperation() {
        assertError(hub.call("GET", "/nothing/here", null), 400, 400003);
        assertError(hub.call("GET", "/devices/a/b/c/d/e", null), 400, 400003);
    }

    @Test
    void wrongMethodOnKnownPath_isInvalidOperation() {
        assertError(hub.call("PATCH", "/devices/x", "{}"), 400, 400003);
        assertError(hub.call("DELETE", "/devices", null), 400, 400003);
        assertError(hub.call("GET", "/statistics/devices/x", null), 400, 400003);
    }

    @Test
    void leafDeviceGivenADeviceScope_getsItAsItsParentScope_asTheServiceCopiesIt() {
        String edge = TestHub.uniqueId("edge");
        String scope = hub.call("PUT", "/devices/" + edge, "{\"capabilities\":{\"iotEdge\":true}}").json()
                .get("deviceScope").textValue();
        assertThat(scope).startsWith("ms-azure-iot-edge://" + edge + "-");
        String leaf = TestHub.uniqueId("leaf");

        JsonNode created = hub.call("PUT", "/devices/" + leaf, "{\"deviceScope\":\"" + scope + "\"}").json();
        JsonNode updated = hub.call("PUT", "/devices/" + leaf, "{\"deviceScope\":\"" + scope + "\",\"parentScopes\":[]}",
                java.util.Map.of("If-Match", "*")).json();

        assertThat(created.get("parentScopes")).extracting(JsonNode::textValue).containsExactly(scope);
        assertThat(updated.get("parentScopes")).extracting(JsonNode::textValue).containsExactly(scope);
        assertThat(hub.call("GET", "/devices/" + edge, null).json().get("parentScopes")).as("an edge device's own scope is not its parent")
                .isEmpty();
    }

    // ---- twins ----

    @Test
    void twinPatchEchoingVersionAndMetadata_ignoresThem() {
        String id = createDevice("echo");
        JsonNode before = hub.call("GET", "/twins/" + id, null).json();
        long desiredVersion = before.at("/properties/desired/$version").longValue();
        RawHub.Response patched = hub.call("PATCH", "/twins/" + id,
                "{\"properties\":{\"desired\":{\"a\":1,\"$version\":99,\"$metadata\":{\"$lastUpdated\":\"2000-01-01T00:00:00Z\"}}}}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        JsonNode desired = patched.json().at("/properties/desired");
        assertThat(desired.get("a").intValue()).isEqualTo(1);
        assertThat(desired.get("$version").longValue()).isEqualTo(desiredVersion + 1);
        assertThat(desired.at("/$metadata/$lastUpdated").textValue()).doesNotStartWith("2000");
    }

    @Test
    void twinPutWithReportedProperties_ignoresReported() {
        String id = createDevice("put-reported");
        RawHub.Response replaced = hub.call("PUT", "/twins/" + id,
                "{\"tags\":{\"t\":1},\"properties\":{\"desired\":{\"d\":2},\"reported\":{\"r\":3}}}");
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        JsonNode twin = hub.call("GET", "/twins/" + id, null).json();
        assertThat(twin.at("/tags/t").intValue()).isEqualTo(1);
        assertThat(twin.at("/properties/desired/d").intValue()).isEqualTo(2);
        assertThat(twin.at("/properties/reported").has("r")).isFalse();
    }

    // ---- query paging ----

    private static String createBatch(int count) {
        String batch = TestHub.uniqueId("batch");
        for (int i = 0; i < count; i++) {
            String id = createDevice("paged");
            assertThat(hub.call("PATCH", "/twins/" + id, "{\"tags\":{\"batch\":\"" + batch + "\"}}").status()).isEqualTo(200);
        }
        return batch;
    }

    private static String queryBody(String text) {
        return Json.text(Json.object().put("query", text));
    }

    @Test
    void queryPaging_lastPageHasNoContinuationHeader() {
        String batch = createBatch(11);
        String body = queryBody("SELECT * FROM devices WHERE tags.batch = '" + batch + "'");
        List<Integer> pageSizes = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String continuation = null;
        do {
            Map<String, String> headers = new HashMap<>();
            headers.put("x-ms-max-item-count", "3");
            if (continuation != null) {
                headers.put("x-ms-continuation", continuation);
            }
            RawHub.Response page = hub.call("POST", "/devices/query", body, headers);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            assertThat(page.headers()).containsKey("x-ms-item-type");
            assertThat(page.json().isArray()).isTrue();
            pageSizes.add(page.json().size());
            page.json().forEach(twin -> ids.add(twin.get("deviceId").textValue()));
            continuation = page.headers().get("x-ms-continuation");
            if (continuation != null) {
                assertThat(continuation).isNotEmpty();
            }
        } while (continuation != null && pageSizes.size() < 20);
        assertThat(pageSizes).containsExactly(3, 3, 3, 2);
        assertThat(ids).hasSize(11);
    }

    @Test
    void queryWithGarbageContinuation_isRefused() {
        String body = queryBody("SELECT * FROM devices");
        assertError(hub.call("POST", "/devices/query", body, Map.of("x-ms-continuation", "not-a-token!!")), 400, 400004);
        assertError(hub.call("POST", "/devices/query", body, Map.of("x-ms-continuation", "e30")), 400, 400004);
    }

    @Test
    void continuationFromAnotherQuery_isRefused() {
        String batch = createBatch(3);
        RawHub.Response first = hub.call("POST", "/devices/query",
                queryBody("SELECT * FROM devices WHERE tags.batch = '" + batch + "'"), Map.of("x-ms-max-item-count", "1"));
        String continuation = first.headers().get("x-ms-continuation");
        assertThat(continuation).isNotNull();
        RawHub.Response other = hub.call("POST", "/devices/query", queryBody("SELECT deviceId FROM devices"),
                Map.of("x-ms-max-item-count", "1", "x-ms-continuation", continuation));
        assertThat(other.status()).isEqualTo(400);
    }

    @Test
    void maxItemCountZeroOrNotANumber_isRefused() {
        String body = queryBody("SELECT * FROM devices");
        assertError(hub.call("POST", "/devices/query", body, Map.of("x-ms-max-item-count", "0")), 400, 400004);
        assertError(hub.call("POST", "/devices/query", body, Map.of("x-ms-max-item-count", "abc")), 400, 400004);
        assertError(hub.call("POST", "/devices/query", body, Map.of("x-ms-max-item-count", "-1")), 400, 400004);
    }
}
