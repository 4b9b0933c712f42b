package io.hubgate.emulator;

import io.hubgate.common.SasToken;
import io.hubgate.emulator.store.SymmetricKeys;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Service SAS tokens over plain HTTPS against the shared hub: what a token must hold, which
 * resources it covers, and what each default policy may do. Every refusal is checked the same
 * way: 401 / 401002, a message that leaks neither signature nor key, and no change to state.
 */
class SasAuthenticationTest {

    private static final String DEVICE_BODY = "{}";
    private static EmulatorCoordinates hub;
    private static String host;
    private static String ownerKey;
    private static String deviceId;
    private static String moduleId;

    @BeforeAll
    static void createDeviceAndModule() {
        hub = TestHub.coordinates();
        host = hub.hubHostName();
        ownerKey = hub.policy("iothubowner").keys().primaryKey();
        deviceId = TestHub.uniqueId("sas");
        moduleId = "m1";
        RawHub owner = new RawHub(hub);
        assertThat(owner.call("PUT", "/devices/" + deviceId, DEVICE_BODY).status()).isEqualTo(200);
        assertThat(owner.call("PUT", "/devices/" + deviceId + "/modules/" + moduleId, DEVICE_BODY).status()).isEqualTo(201);
    }

    private static Instant inAnHour() {
        return Instant.now().plus(Duration.ofHours(1));
    }

    private static String token(String policy) {
        return SasToken.create(host, policy, hub.policy(policy).keys().primaryKey(), inAnHour());
    }

    private static RawHub as(String authorization) {
        return new RawHub(hub).authorization(authorization);
    }

    private static RawHub asPolicy(String policy) {
        return as(token(policy));
    }

    /** A token assembled field by field, for shapes {@link SasToken#create} never makes. */
    private static String rawToken(String... fields) {
        return SasToken.SCHEME + " " + String.join("&", fields);
    }

    private static String sr() {
        return "sr=" + host;
    }

    private static long se() {
        return inAnHour().getEpochSecond();
    }

    private static String sig(long se) {
        return "sig=" + java.net.URLEncoder.encode(SasToken.sign(host, se, ownerKey), StandardCharsets.UTF_8);
    }

    /** 401 / 401002 and a message that gives away nothing secret the token or the hub holds. */
    private static void assertRefused(RawHub.Response response, String authorization) {
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(response.errorCode()).isEqualTo(401002);
        assertThat(response.headers().get("iothub-errorcode")).isEqualTo("IotHubUnauthorizedAccess");
        String message = response.errorMessage();
        assertThat(message).isNotBlank();
        for (String policy : List.of("iothubowner", "service", "device", "registryRead", "registryReadWrite")) {
            assertThat(response.body()).doesNotContain(hub.policy(policy).keys().primaryKey())
                    .doesNotContain(hub.policy(policy).keys().secondaryKey());
        }
        if (authorization != null && authorization.contains("sig=")) {
            String rawSig = authorization.replaceAll(".*sig=([^&]*).*", "$1");
            if (!rawSig.isEmpty()) {
                assertThat(response.body()).doesNotContain(rawSig);
                if (!rawSig.matches(".*%(?![0-9A-Fa-f]{2}).*")) {
                    assertThat(response.body()).doesNotContain(URLDecoder.decode(rawSig, StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** A device create refused for this token; the device must not exist afterwards. */
    private static void assertCreateRefused(String authorization) {
        String id = TestHub.uniqueId("sas-refused");
        RawHub.Response response = as(authorization).call("PUT", "/devices/" + id, DEVICE_BODY);
        assertRefused(response, authorization);
        assertThat(new RawHub(hub).call("GET", "/devices/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void missingAuthorizationHeader_isRefused() {
        assertCreateRefused(null);
    }

    @Test
    void bearerAndBasicSchemes_areRefused() {
        assertCreateRefused("Bearer xyz");
        assertCreateRefused("Basic aHViOnNlY3JldA==");
    }

    @Test
    void schemeWithoutAnyFields_isRefused() {
        assertCreateRefused(SasToken.SCHEME);
        assertCreateRefused(SasToken.SCHEME + " ");
    }

    @Test
    void tokenMissingSrSigOrSe_isRefused() {
        long se = se();
        assertCreateRefused(rawToken(sig(se), "se=" + se, "skn=iothubowner"));
        assertCreateRefused(rawToken(sr(), "se=" + se, "skn=iothubowner"));
        assertCreateRefused(rawToken(sr(), sig(se), "skn=iothubowner"));
    }

    @Test
    void expiryThatIsNotANumber_isRefused() {
        long se = se();
        assertCreateRefused(rawToken(sr(), sig(se), "se=tomorrow", "skn=iothubowner"));
        assertCreateRefused(rawToken(sr(), sig(se), "se=" + se + ".5", "skn=iothubowner"));
    }

    @Test
    void expiryBeyondTheRangeOfTime_isRefusedWith401Not500() {
        // Fits a long, but no Instant can hold it: must be a malformed token, not a server error.
        long se = 99_999_999_999_999_999L;
        String token = rawToken(sr(), "sig=" + java.net.URLEncoder.encode(SasToken.sign(host, se, ownerKey),
                StandardCharsets.UTF_8), "se=" + se, "skn=iothubowner");
        assertCreateRefused(token);
    }

    @Test
    void duplicatedField_isRefused() {
        long se = se();
        assertCreateRefused(rawToken(sr(), sig(se), "se=" + se, "skn=iothubowner", "se=" + se));
        assertCreateRefused(rawToken(sr(), sig(se), "se=" + se, "skn=iothubowner", "SR=" + host));
    }

    @Test
    void fieldWithoutEqualsSign_isRefused() {
        long se = se();
        assertCreateRefused(rawToken(sr(), sig(se), "se=" + se, "skn=iothubowner", "junk"));
    }

    @Test
    void badPercentEscape_isRefused() {
        long se = se();
        assertCreateRefused(rawToken("sr=" + host + "%ZZ", sig(se), "se=" + se, "skn=iothubowner"));
        assertCreateRefused(rawToken(sr(), "sig=abc%G1", "se=" + se, "skn=iothubowner"));
        assertCreateRefused(rawToken(sr(), sig(se), "se=" + se, "skn=iothub%"));
    }

    @Test
    void expiredToken_isRefused() {
        assertCreateRefused(SasToken.create(host, "iothubowner", ownerKey, Instant.now().minusSeconds(5)));
    }

    @Test
    void signatureMadeWithWrongKey_isRefused() {
        assertCreateRefused(SasToken.create(host, "iothubowner", SymmetricKeys.randomKey(), inAnHour()));
        // Another policy's valid key does not sign for this one.
        assertCreateRefused(SasToken.create(host, "iothubowner", hub.policy("registryReadWrite").keys().primaryKey(),
                inAnHour()));
    }

    @Test
    void tamperedExpiry_isRefused() {
        long se = se();
        assertCreateRefused(rawToken(sr(), sig(se), "se=" + (se + 1), "skn=iothubowner"));
    }

    @Test
    void unknownPolicyName_isRefused() {
        assertCreateRefused(SasToken.create(host, "nobody", ownerKey, inAnHour()));
    }

    @Test
    void deviceScopedTokenWithoutSkn_isRefused() {
        String token = SasToken.create(host + "/devices/" + deviceId, null, ownerKey, inAnHour());
        assertRefused(as(token).call("GET", "/devices/" + deviceId, null), token);
        assertCreateRefused(SasToken.create(host, null, ownerKey, inAnHour()));
    }

    @Test
    void resourceNamingAnotherHost_isRefused() {
        assertCreateRefused(SasToken.create("otherhub.azure-devices.net", "iothubowner", ownerKey, inAnHour()));
        assertCreateRefused(SasToken.create(hub.hubName() + ".azure-devices.net.evil.com", "iothubowner", ownerKey,
                inAnHour()));
    }

    @Test
    void resourceWithDevicePath_coversThatDeviceAndItsModules() {
        String token = SasToken.create(host + "/devices/" + deviceId, "iothubowner", ownerKey, inAnHour());
        RawHub scoped = as(token);
        assertThat(scoped.call("GET", "/devices/" + deviceId, null).status()).isEqualTo(200);
        assertThat(scoped.call("GET", "/devices/" + deviceId + "/modules/" + moduleId, null).status()).isEqualTo(200);
        assertThat(scoped.call("GET", "/devices/" + deviceId + "/modules", null).status()).isEqualTo(200);
    }

    @Test
    void resourceWithDevicePath_doesNotCoverLongerIdOrOtherCollections() {
        String token = SasToken.create(host + "/devices/" + deviceId, "iothubowner", ownerKey, inAnHour());
        RawHub scoped = as(token);
        assertRefused(scoped.call("GET", "/devices/" + deviceId + "0", null), token);
        assertRefused(scoped.call("GET", "/twins/" + deviceId, null), token);
        assertRefused(scoped.call("GET", "/devices", null), token);
        assertRefused(scoped.call("POST", "/devices/query", "{\"query\":\"SELECT * FROM devices\"}"), token);
    }

    @Test
    void resourceWithHostAndPortOfTheEndpoint_isAccepted() {
        String token = SasToken.create(hub.hostWithPort(), "iothubowner", ownerKey, inAnHour());
        assertThat(as(token).call("GET", "/devices/" + deviceId, null).status()).isEqualTo(200);
    }

    @Test
    void resourceWithTheExplicitDefaultPort_meansTheSameHost() {
        // HostName=127.0.0.1:443 in a connection string (the Python SDK signs sr=127.0.0.1:443) or a
        // gateway started with --hub-host 127.0.0.1:443: https's own port names the same host.
        for (String resource : List.of(host + ":443", host + ":443/devices/" + deviceId, "https://" + host + ":443")) {
            String token = SasToken.create(resource, "iothubowner", ownerKey, inAnHour());
            assertThat(as(token).call("GET", "/devices/" + deviceId, null).status()).as(resource).isEqualTo(200);
        }
    }

    @Test
    void resourceWithTheAddressButNotThePortConnectedTo_isRefused() {
        // As the service: sr names the hub as the client addresses it. This emulator is not on 443,
        // and the client sent Host: 127.0.0.1:<port>, so 127.0.0.1 (meaning :443) is another hub.
        assertThat(hub.port()).isNotEqualTo(443);
        for (String resource : List.of(hub.host(), hub.host() + ":443", hub.host() + ":443/devices/" + deviceId,
                "localhost", "localhost:" + hub.port(), hub.hubName())) {
            assertCreateRefused(SasToken.create(resource, "iothubowner", ownerKey, inAnHour()));
        }
    }

    @Test
    void resourceWithAnotherPort_isRefused() {
        assertCreateRefused(SasToken.create(hub.host() + ":444", "iothubowner", ownerKey, inAnHour()));
        assertCreateRefused(SasToken.create(host + ":4430", "iothubowner", ownerKey, inAnHour()));
        assertCreateRefused(SasToken.create(host + ":", "iothubowner", ownerKey, inAnHour()));
    }

    @Test
    void secondaryKey_signsToo() {
        String token = SasToken.create(host, "iothubowner", hub.policy("iothubowner").keys().secondaryKey(), inAnHour());
        assertThat(as(token).call("GET", "/devices/" + deviceId, null).status()).isEqualTo(200);
    }

    @Test
    void fieldsInAnyOrder_areAccepted() {
        long se = se();
        String token = rawToken("skn=iothubowner", "se=" + se, sig(se), sr());
        assertThat(as(token).call("GET", "/devices/" + deviceId, null).status()).isEqualTo(200);
        String other = rawToken(sig(se), sr(), "skn=iothubowner", "se=" + se);
        assertThat(as(other).call("GET", "/devices/" + deviceId, null).status()).isEqualTo(200);
    }

    @Test
    void registryRead_canGetDevicesButNotWriteOrReadTwinsOrQuery() {
        String token = token("registryRead");
        RawHub reader = as(token);
        assertThat(reader.call("GET", "/devices/" + deviceId, null).status()).isEqualTo(200);
        assertThat(reader.call("GET", "/devices", null).status()).isEqualTo(200);
        assertThat(reader.call("GET", "/statistics/devices", null).status()).isEqualTo(200);
        assertCreateRefused(token);
        String etagBefore = new RawHub(hub).call("GET", "/devices/" + deviceId, null).json().get("etag").textValue();
        assertRefused(reader.call("PUT", "/devices/" + deviceId, "{\"status\":\"disabled\"}", Map.of("If-Match", "*")), token);
        assertRefused(reader.call("DELETE", "/devices/" + deviceId, null, Map.of("If-Match", "*")), token);
        RawHub.Response after = new RawHub(hub).call("GET", "/devices/" + deviceId, null);
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.json().get("etag").textValue()).isEqualTo(etagBefore);
        assertRefused(reader.call("GET", "/twins/" + deviceId, null), token);
        assertRefused(reader.call("POST", "/devices/query", "{\"query\":\"SELECT * FROM devices\"}"), token);
    }

    @Test
    void registryReadWrite_canCreateDevicesButNotReadTwins() {
        String token = token("registryReadWrite");
        RawHub writer = as(token);
        String id = TestHub.uniqueId("sas-rw");
        assertThat(writer.call("PUT", "/devices/" + id, DEVICE_BODY).status()).isEqualTo(200);
        assertThat(writer.call("GET", "/devices/" + id, null).status()).isEqualTo(200);
        assertRefused(writer.call("GET", "/twins/" + id, null), token);
        assertRefused(writer.call("PATCH", "/twins/" + id, "{\"tags\":{\"a\":1}}"), token);
        assertThat(writer.call("DELETE", "/devices/" + id, null, Map.of("If-Match", "*")).status()).isEqualTo(204);
    }

    @Test
    void service_canUseTwinsQueriesAndMethodsButNotTheRegistry() {
        String token = token("service");
        RawHub service = as(token);
        assertThat(service.call("GET", "/twins/" + deviceId, null).status()).isEqualTo(200);
        assertThat(service.call("PATCH", "/twins/" + deviceId, "{\"tags\":{\"by\":\"service\"}}").status()).isEqualTo(200);
        assertThat(service.call("POST", "/devices/query", "{\"query\":\"SELECT * FROM devices\"}").status()).isEqualTo(200);
        // Authorised, then refused by the device side: no device is online in the emulator.
        RawHub.Response method = service.call("POST", "/twins/" + deviceId + "/methods", "{\"methodName\":\"reboot\"}");
        assertThat(method.status()).isEqualTo(404);
        assertThat(method.errorCode()).isEqualTo(404103);
        assertRefused(service.call("GET", "/devices/" + deviceId, null), token);
        assertRefused(service.call("GET", "/devices", null), token);
        assertCreateRefused(token);
    }

    @Test
    void devicePolicy_canDoNothingOnTheServiceApi() {
        String token = token("device");
        RawHub device = as(token);
        String twinEtag = new RawHub(hub).call("GET", "/twins/" + deviceId, null).json().get("etag").textValue();
        assertRefused(device.call("GET", "/devices/" + deviceId, null), token);
        assertRefused(device.call("GET", "/twins/" + deviceId, null), token);
        assertRefused(device.call("PATCH", "/twins/" + deviceId, "{\"tags\":{\"by\":\"device\"}}"), token);
        assertRefused(device.call("POST", "/devices/query", "{\"query\":\"SELECT * FROM devices\"}"), token);
        assertRefused(device.call("POST", "/twins/" + deviceId + "/methods", "{\"methodName\":\"reboot\"}"), token);
        assertRefused(device.call("GET", "/statistics/devices", null), token);
        assertCreateRefused(token);
        assertThat(new RawHub(hub).call("GET", "/twins/" + deviceId, null).json().get("etag").textValue())
                .isEqualTo(twinEtag);
    }

    @Test
    void iothubowner_canDoEverything() {
        RawHub owner = asPolicy("iothubowner");
        String id = TestHub.uniqueId("sas-owner");
        assertThat(owner.call("PUT", "/devices/" + id, DEVICE_BODY).status()).isEqualTo(200);
        assertThat(owner.call("GET", "/devices/" + id, null).status()).isEqualTo(200);
        assertThat(owner.call("GET", "/devices", null).status()).isEqualTo(200);
        assertThat(owner.call("GET", "/statistics/devices", null).status()).isEqualTo(200);
        assertThat(owner.call("GET", "/statistics/service", null).status()).isEqualTo(200);
        assertThat(owner.call("PATCH", "/twins/" + id, "{\"tags\":{\"a\":1}}").status()).isEqualTo(200);
        assertThat(owner.call("GET", "/twins/" + id, null).status()).isEqualTo(200);
        assertThat(owner.call("POST", "/devices/query", "{\"query\":\"SELECT * FROM devices\"}").status()).isEqualTo(200);
        assertThat(owner.call("POST", "/twins/" + id + "/methods", "{\"methodName\":\"reboot\"}").errorCode())
                .isEqualTo(404103);
        assertThat(owner.call("DELETE", "/devices/" + id + "/commands", null).status()).isEqualTo(200);
        assertThat(owner.call("DELETE", "/devices/" + id, null, Map.of("If-Match", "*")).status()).isEqualTo(204);
    }
}
