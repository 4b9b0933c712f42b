package io.hubgate.emulator;

import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed requests, each with the status and IoT Hub code the hub answers. Writes aim at a
 * canary device and its twin (with {@code If-Match: *} where that would let a bad write through),
 * and after every case the canary must be exactly as it was: bad input never changes state,
 * never takes the emulator down, and never earns a 500.
 */
class MalformedInputTest {

    private static final String CANARY = TestHub.uniqueId("canary");
    private static final Map<String, String> ANY = Map.of("If-Match", "*");
    private static final String QUERY = "/devices/query";
    private static final String METHODS = "/twins/" + CANARY + "/methods";
    private static final String DEVICE = "/devices/" + CANARY;
    private static final String TWIN = "/twins/" + CANARY;

    private static RawHub hub;
    private static String canaryEtag;
    private static String canaryTwinEtag;

    record Case(String name, String method, String path, String body, Map<String, String> headers, int status, int code) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void createCanary() {
        hub = new RawHub(TestHub.coordinates());
        assertThat(hub.call("PUT", DEVICE, "{\"status\":\"enabled\"}").status()).isEqualTo(200);
        assertThat(hub.call("PATCH", TWIN, "{\"tags\":{\"canary\":\"alive\"},\"properties\":{\"desired\":{\"d\":1}}}")
                .status()).isEqualTo(200);
        canaryEtag = hub.call("GET", DEVICE, null).json().get("etag").textValue();
        canaryTwinEtag = hub.call("GET", TWIN, null).json().get("etag").textValue();
    }

    private static Case c(String name, String method, String path, String body, int status, int code) {
        return new Case(name, method, path, body, Map.of(), status, code);
    }

    private static Case c(String name, String method, String path, String body, Map<String, String> headers,
                          int status, int code) {
        return new Case(name, method, path, body, headers, status, code);
    }

    /** A device update of the canary that would change it if it were accepted. */
    private static Case device(String name, String body, int code) {
        return c(name, "PUT", DEVICE, body, ANY, code / 1000, code);
    }

    private static Case twinPatch(String name, String body, int code) {
        return c(name, "PATCH", TWIN, body, ANY, code / 1000, code);
    }

    private static Case method(String name, String body, int code) {
        return c(name, "POST", METHODS, body, code / 1000, code);
    }

    private static Case query(String name, String body, int code) {
        return c(name, "POST", QUERY, body, code / 1000, code);
    }

    /** {"k1":{"k2":…{"kN":1}}}: N levels of keys. */
    static String nested(int levels) {
        StringBuilder json = new StringBuilder();
        for (int i = 1; i <= levels; i++) {
            json.append("{\"k").append(i).append("\":");
        }
        json.append('1');
        json.append("}".repeat(levels));
        return json.toString();
    }

    private static String stringsOf(int count, int length) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":\"").append("x".repeat(length)).append('"');
        }
        return json.append('}').toString();
    }

    private static String sasKeys(String primary, String secondary) {
        return "{\"authentication\":{\"type\":\"sas\",\"symmetricKey\":{\"primaryKey\":" + primary + ",\"secondaryKey\":"
                + secondary + "}}}";
    }

    private static String selfSigned(String primary) {
        return "{\"authentication\":{\"type\":\"selfSigned\",\"x509Thumbprint\":{\"primaryThumbprint\":" + primary + "}}}";
    }

    static Stream<Case> malformedRequests() {
        String key16 = "\"AAAAAAAAAAAAAAAAAAAAAA==\"";
        return Stream.of(
                // bodies that are not the JSON object a device write needs
                device("device: not JSON", "hello", 400006),
                device("device: empty body", "", 400006),
                device("device: JSON array", "[]", 400006),
                device("device: JSON string", "\"x\"", 400006),
                device("device: JSON number", "5", 400006),
                device("device: JSON null", "null", 400006),
                device("device: trailing garbage", "{\"status\":\"enabled\"} x", 400006),
                device("device: two documents", "{}{}", 400006),
                device("device: truncated", "{\"status\":", 400006),
                // wrong field types and values
                device("device: status is a number", "{\"status\":5}", 400004),
                device("device: status unknown", "{\"status\":\"maybe\"}", 400004),
                device("device: authentication is a string", "{\"authentication\":\"x\"}", 400004),
                device("device: iotEdge is a string", "{\"capabilities\":{\"iotEdge\":\"yes\"}}", 400004),
                device("device: parentScopes is a number", "{\"parentScopes\":3}", 400004),
                device("device: parentScopes holds a number", "{\"parentScopes\":[1]}", 400004),
                device("device: statusReason of 129 chars", "{\"statusReason\":\"" + "r".repeat(129) + "\"}", 400004),
                device("device: deviceId differs from path", "{\"deviceId\":\"someone-else\"}", 400004),
                device("device: unknown auth type", "{\"authentication\":{\"type\":\"magic\"}}", 400004),
                // keys and thumbprints
                device("device: key not base64", sasKeys("\"not base64!\"", key16), 400004),
                device("device: 8-byte key", sasKeys("\"AAAAAAAAAAA=\"", key16), 400004),
                device("device: 65-byte key", sasKeys("\"" + "A".repeat(88) + "\"", key16), 400004),
                device("device: only a primary key", sasKeys(key16, "\"\""), 400004),
                device("device: key is a number", sasKeys("5", key16), 400004),
                device("device: thumbprint not hex", selfSigned("\"" + "z".repeat(40) + "\""), 400004),
                device("device: thumbprint 39 digits", selfSigned("\"" + "a".repeat(39) + "\""), 400004),
                device("device: selfSigned without thumbprint", "{\"authentication\":{\"type\":\"selfSigned\"}}", 400004),
                // twin bodies
                twinPatch("twin: not JSON", "{tags:1}", 400006),
                twinPatch("twin: JSON array", "[{\"tags\":{}}]", 400006),
                twinPatch("twin: nested 200 levels", "{\"tags\":" + nested(200) + "}", 400006),
                twinPatch("twin: tags is an array", "{\"tags\":[1]}", 400004),
                twinPatch("twin: properties is a string", "{\"properties\":\"x\"}", 400004),
                twinPatch("twin: desired is a number", "{\"properties\":{\"desired\":5}}", 400004),
                twinPatch("twin: key with a dot", "{\"tags\":{\"a.b\":1}}", 400004),
                twinPatch("twin: key with a dollar", "{\"tags\":{\"$a\":1}}", 400004),
                twinPatch("twin: nested key with a dollar", "{\"properties\":{\"desired\":{\"x\":{\"$y\":1}}}}", 400004),
                twinPatch("twin: key with a space", "{\"tags\":{\"a b\":1}}", 400004),
                twinPatch("twin: key with a control char", "{\"tags\":{\"a\\u0001b\":1}}", 400004),
                twinPatch("twin: key with a C1 control char", "{\"tags\":{\"a\\u0085b\":1}}", 400004),
                twinPatch("twin: empty key", "{\"tags\":{\"\":1}}", 400004),
                twinPatch("twin: key over 1KB", "{\"tags\":{\"" + "k".repeat(1025) + "\":1}}", 400004),
                twinPatch("twin: string over 4KB", "{\"tags\":{\"s\":\"" + "v".repeat(4097) + "\"}}", 400004),
                twinPatch("twin: integer 2^53", "{\"tags\":{\"n\":9007199254740992}}", 400004),
                twinPatch("twin: integer -2^53", "{\"properties\":{\"desired\":{\"n\":-9007199254740992}}}", 400004),
                twinPatch("twin: integer 2^52", "{\"tags\":{\"n\":4503599627370496}}", 400004),
                twinPatch("twin: integer with a huge exponent", "{\"tags\":{\"x\":1e100000000}}", 400004),
                twinPatch("twin: number beyond double range", "{\"tags\":{\"x\":1.5e400}}", 400004),
                twinPatch("twin: integer just past 2^52", "{\"tags\":{\"x\":4.503599627370496e15}}", 400004),
                twinPatch("twin: tags 11 objects deep", "{\"tags\":" + nested(12) + "}", 400004),
                twinPatch("twin: desired 11 objects deep", "{\"properties\":{\"desired\":" + nested(12) + "}}", 400004),
                twinPatch("twin: tags over 8KB", "{\"tags\":" + stringsOf(3, 3000) + "}", 400004),
                twinPatch("twin: desired over 32KB", "{\"properties\":{\"desired\":" + stringsOf(9, 4000) + "}}", 400004),
                c("twin PUT: key with a dot", "PUT", TWIN, "{\"tags\":{\"a.b\":1}}", ANY, 400, 400004),
                c("twin PUT: not JSON", "PUT", TWIN, "tags", ANY, 400, 400006),
                // ids
                c("id: 129 chars", "PUT", "/devices/" + "d".repeat(129), "{}", 400, 400004),
                c("id: ampersand", "PUT", "/devices/dev&x", "{}", 400, 400004),
                c("id: quotation mark percent-encoded", "PUT", "/devices/dev%22x", "{}", 400, 400004),
                c("id: space percent-encoded", "PUT", "/devices/dev%20x", "{}", 400, 400004),
                c("id: only a space", "PUT", "/devices/%20", "{}", 400, 400004),
                c("id: slash percent-encoded", "PUT", "/devices/dev%2Fx", "{}", 400, 400004),
                c("id: NUL percent-encoded", "GET", "/twins/dev%00x", null, 400, 400004),
                c("id: invalid UTF-8", "GET", "/devices/dev%C3%28", null, 400, 400004),
                c("id: non-ASCII", "PUT", "/devices/d%C3%A9v", "{}", 400, 400004),
                c("id: empty device segment", "GET", "/devices//modules", null, 400, 400004),
                c("module id: 129 chars", "PUT", DEVICE + "/modules/" + "m".repeat(129), "{}", 400, 400004),
                c("module id: quotation mark", "PUT", DEVICE + "/modules/m%22", "{}", 400, 400004),
                // direct methods
                method("method: no methodName", "{\"payload\":{}}", 400005),
                method("method: empty methodName", "{\"methodName\":\"\"}", 400005),
                method("method: methodName is a number", "{\"methodName\":5}", 400004),
                method("method: response timeout 1", "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":1}", 400004),
                method("method: response timeout 301", "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":301}", 400004),
                method("method: response timeout a string", "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":\"x\"}", 400004),
                method("method: response timeout fractional", "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":30.5}", 400004),
                method("method: connect timeout negative", "{\"methodName\":\"m\",\"connectTimeoutInSeconds\":-1}", 400004),
                method("method: payload over 128KB", "{\"methodName\":\"m\",\"payload\":\"" + "p".repeat(128 * 1024) + "\"}",
                        413001),
                method("method: body not JSON", "reboot", 400006),
                method("method: body an array", "[\"reboot\"]", 400006),
                // queries
                query("query: syntax error", "{\"query\":\"SELECT * FROM\"}", 400004),
                query("query: misspelt keyword", "{\"query\":\"SELEC * FROM devices\"}", 400004),
                query("query: unknown collection", "{\"query\":\"SELECT * FROM sheep\"}", 400004),
                query("query: unterminated string", "{\"query\":\"SELECT * FROM devices WHERE deviceId = 'x\"}", 400004),
                query("query: empty", "{\"query\":\"\"}", 400004),
                query("query: blank", "{\"query\":\"   \"}", 400004),
                query("query: 8193 chars", "{\"query\":\"SELECT * FROM devices WHERE deviceId = '"
                        + "q".repeat(8193 - "SELECT * FROM devices WHERE deviceId = ''".length()) + "'\"}", 400004),
                query("query: a number", "{\"query\":5}", 400004),
                query("query: missing", "{}", 400005),
                query("query: null", "{\"query\":null}", 400005),
                query("query: body not JSON", "SELECT * FROM devices", 400006),
                c("query: page size 0", "POST", QUERY, "{\"query\":\"SELECT * FROM devices\"}",
                        Map.of("x-ms-max-item-count", "0"), 400, 400004),
                c("query: page size abc", "POST", QUERY, "{\"query\":\"SELECT * FROM devices\"}",
                        Map.of("x-ms-max-item-count", "abc"), 400, 400004),
                c("query: garbage continuation", "POST", QUERY, "{\"query\":\"SELECT * FROM devices\"}",
                        Map.of("x-ms-continuation", "%%%garbage"), 400, 400004),
                // bulk and list
                c("bulk: object instead of array", "POST", "/devices", "{\"id\":\"" + CANARY + "\",\"importMode\":\"delete\"}",
                        400, 400006),
                c("bulk: string item", "POST", "/devices", "[\"" + CANARY + "\"]", 400, 400006),
                c("list: top not a number", "GET", "/devices?top=abc", null, 400, 400004),
                c("module PUT: body an array", "PUT", DEVICE + "/modules/m", "[]", 400, 400006));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void malformedRequest_isRefusedAndChangesNothing(Case request) {
        RawHub.Response response = hub.call(request.method(), request.path(), request.body(), request.headers());
        assertThat(response.status()).as(response.body()).isNotEqualTo(500).isEqualTo(request.status());
        assertThat(response.errorCode()).as(response.body()).isEqualTo(request.code());
        assertCanaryUnchanged();
    }

    private static void assertCanaryUnchanged() {
        RawHub.Response device = hub.call("GET", DEVICE, null);
        assertThat(device.status()).as("the emulator still answers").isEqualTo(200);
        assertThat(device.json().get("etag").textValue()).isEqualTo(canaryEtag);
        assertThat(device.json().get("status").textValue()).isEqualTo("enabled");
        RawHub.Response twin = hub.call("GET", TWIN, null);
        assertThat(twin.status()).isEqualTo(200);
        assertThat(twin.json().get("etag").textValue()).isEqualTo(canaryTwinEtag);
        assertThat(twin.json().at("/tags/canary").textValue()).isEqualTo("alive");
        assertThat(hub.call("GET", DEVICE + "/modules", null).json()).isEmpty();
    }

    @Test
    void valuesAtTheLimits_areAccepted() {
        String id = TestHub.uniqueId("limits");
        assertThat(hub.call("PUT", "/devices/" + id, "{}").status()).isEqualTo(200);
        String atLimits = "{\"tags\":{\"deep\":" + nested(10) + ",\"max\":4503599627370495,\"min\":-4503599627370496,\""
                + "k".repeat(1024) + "\":\"" + "v".repeat(4096) + "\"},\"properties\":{\"desired\":" + nested(11) + "}}";
        RawHub.Response patched = hub.call("PATCH", "/twins/" + id, atLimits);
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().at("/tags/max").longValue()).isEqualTo(4503599627370495L);
        assertThat(patched.json().at("/properties/desired/k1/k2/k3/k4/k5/k6/k7/k8/k9/k10/k11").intValue()).isEqualTo(1);
        String id128 = "d".repeat(120) + TestHub.uniqueId("").substring(1, 9);
        assertThat(hub.call("PUT", "/devices/" + id128, "{}").status()).isEqualTo(200);
        String punctuation = TestHub.uniqueId("p") + "-._*?!(),:=@$'";
        RawHub.Response created = hub.call("PUT", "/devices/" + punctuation.replace("?", "%3F"), "{}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().get("deviceId").textValue()).isEqualTo(punctuation);
    }
}
