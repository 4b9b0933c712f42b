package io.hubgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The fault and quota control routes: what they accept, what they show, and each refusal's message. */
class FaultControlRouteTest {

    private static IotHubEmulator hub;
    private static RawHub raw;

    @BeforeAll
    static void start() {
        hub = TestHub.privateEmulator().build().start();
        raw = new RawHub(hub.coordinates());
    }

    @AfterEach
    void clear() {
        raw.send("POST", "/_emulator/reset", null, Map.of());
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static RawHub.Response post(String body) {
        return raw.send("POST", "/_emulator/faults", body, Map.of());
    }

    private static JsonNode list() {
        return raw.send("GET", "/_emulator/faults", null, Map.of()).json().get("faults");
    }

    /** A message as the named error form carries it: its fields are split on ';', so a ';' inside becomes ','. */
    private static String namedField(String message) {
        return message.trim().replace(';', ',');
    }

    @Test
    void post_answers201WithTheRuleAsStored_andGetListsItOldestFirst() {
        JsonNode first = post("{\"operationClass\":\"twinRead\",\"kind\":\"throttle\",\"retryAfterSeconds\":2,\"count\":3}").json();
        JsonNode second = post("{\"operationClass\":\"registry\",\"kind\":\"latency\",\"latencyMs\":500,\"rate\":0.5,\"seed\":7}").json();
        JsonNode third = post("{\"kind\":\"drop\",\"count\":1}").json();
        JsonNode fourth = post("{\"operationClass\":\"methods\",\"kind\":\"dropAfter\",\"count\":2}").json();

        assertThat(first.get("id").textValue()).isNotBlank();
        assertThat(first.get("kind").textValue()).isEqualTo("throttle");
        assertThat(first.get("errorCode").intValue()).isEqualTo(429001);
        assertThat(first.get("retryAfterSeconds").intValue()).isEqualTo(2);
        assertThat(first.get("remaining").intValue()).isEqualTo(3);
        assertThat(first.get("fired").intValue()).isZero();
        assertThat(second.get("latencyMs").intValue()).isEqualTo(500);
        assertThat(second.get("rate").doubleValue()).isEqualTo(0.5);
        assertThat(second.get("seed").longValue()).isEqualTo(7);
        assertThat(second.has("remaining")).isFalse();
        assertThat(third.get("operationClass").textValue()).isEqualTo("all");
        assertThat(fourth.get("kind").textValue()).isEqualTo("dropAfter");
        assertThat(fourth.get("remaining").intValue()).isEqualTo(2);
        assertThat(list()).extracting(rule -> rule.get("id").textValue())
                .containsExactly(first.get("id").textValue(), second.get("id").textValue(), third.get("id").textValue(),
                        fourth.get("id").textValue());
    }

    @Test
    void get_showsRemainingAndFiredAsRequestsMeetTheRule() {
        post("{\"operationClass\":\"registry\",\"kind\":\"error\",\"status\":503,\"count\":3}");
        raw.call("GET", "/statistics/devices", null);

        JsonNode rule = list().get(0);

        assertThat(rule.get("remaining").intValue()).isEqualTo(2);
        assertThat(rule.get("fired").intValue()).isEqualTo(1);
        assertThat(rule.get("status").intValue()).isEqualTo(503);
    }

    @Test
    void deleteById_removesOnlyThatRule_andAnUnknownIdIsRefused() {
        String keep = post("{\"kind\":\"drop\",\"count\":1}").json().get("id").textValue();
        String gone = post("{\"kind\":\"drop\",\"count\":1}").json().get("id").textValue();

        assertThat(raw.send("DELETE", "/_emulator/faults/" + gone, null, Map.of()).status()).isEqualTo(204);
        RawHub.Response again = raw.send("DELETE", "/_emulator/faults/" + gone, null, Map.of());

        assertThat(list()).extracting(rule -> rule.get("id").textValue()).containsExactly(keep);
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.errorMessage()).contains("No active fault rule has id '" + gone + "'");
    }

    @Test
    void reset_clearsRulesAndQuota() {
        post("{\"kind\":\"drop\",\"count\":1}");
        raw.send("PUT", "/_emulator/quota", "{\"tier\":\"S1\"}", Map.of());

        assertThat(raw.send("POST", "/_emulator/reset", null, Map.of()).status()).isEqualTo(204);

        assertThat(list()).isEmpty();
        assertThat(raw.send("GET", "/_emulator/quota", null, Map.of()).json().get("enabled").booleanValue()).isFalse();
        assertThat(raw.call("GET", "/statistics/devices", null).status()).isEqualTo(200);
    }

    @Test
    void onlyTheOwnerPolicy_mayDriveFaults() {
        RawHub service = new RawHub(hub.coordinates()).authorization(hub.coordinates().sasToken("service", Duration.ofHours(1)));

        RawHub.Response refused = service.send("POST", "/_emulator/faults", "{\"kind\":\"drop\",\"count\":1}", Map.of());

        assertThat(refused.status()).isEqualTo(401);
        assertThat(list()).isEmpty();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"kind\":\"explode\",\"count\":1}                                  | Unknown kind \"explode\"; use latency, throttle, error, drop or dropAfter",
            "{\"count\":1}                                                      | A fault needs a kind: latency, throttle, error, drop or dropAfter",
            "{\"kind\":7,\"count\":1}                                            | Unknown kind 7",
            "{\"operationClass\":\"configurations\",\"kind\":\"drop\",\"count\":1} | Unknown operationClass \"configurations\"; use one of all, jobDevices, jobs, methods, query, registry, token, twinRead, twinWrite",
            "{\"operationClass\":\"control\",\"kind\":\"drop\",\"count\":1}      | Unknown operationClass \"control\"",
            "{\"kind\":\"drop\",\"rate\":1.5}                                    | rate is a probability from 0 to 1, not 1.5",
            "{\"kind\":\"drop\",\"rate\":-0.1}                                   | rate is a probability from 0 to 1, not -0.1",
            "{\"kind\":\"drop\",\"rate\":\"half\"}                               | rate is a probability from 0 to 1, not \"half\"",
            "{\"kind\":\"drop\",\"rate\":0.5,\"count\":2}                        | Give either rate or count, not both",
            "{\"kind\":\"drop\"}                                                | Give either rate (a probability from 0 to 1) or count (the next N requests)",
            "{\"kind\":\"drop\",\"count\":0}                                     | count is a whole number from 1, not 0",
            "{\"kind\":\"drop\",\"count\":2.5}                                   | count is a whole number from 1, not 2.5",
            "{\"kind\":\"drop\",\"count\":1,\"seed\":4}                          | seed makes a rate repeatable; a count rule has no randomness to seed",
            "{\"kind\":\"drop\",\"rate\":0.5,\"seed\":\"x\"}                     | seed is a whole number, not \"x\"",
            "{\"kind\":\"latency\",\"count\":1}                                  | A latency fault needs latencyMs",
            "{\"kind\":\"latency\",\"latencyMs\":-5,\"count\":1}                 | latencyMs is a whole number from 0 to 300000, not -5",
            "{\"kind\":\"latency\",\"latencyMs\":300001,\"count\":1}             | latencyMs is a whole number from 0 to 300000, not 300001",
            "{\"kind\":\"drop\",\"latencyMs\":100,\"count\":1}                   | latencyMs applies only to latency and dropAfter faults, not drop",
            "{\"kind\":\"error\",\"retryAfterSeconds\":3,\"count\":1}            | retryAfterSeconds applies only to throttle faults, not error",
            "{\"kind\":\"throttle\",\"retryAfterSeconds\":-1,\"count\":1}        | retryAfterSeconds is a whole number from 0, not -1",
            "{\"kind\":\"throttle\",\"errorCode\":429003,\"count\":1}            | errorCode of a throttle is 429001 (ThrottlingException) or 429002 (ThrottleBacklogLimitExceeded), not 429003",
            "{\"kind\":\"throttle\",\"status\":503,\"count\":1}                  | status applies only to error faults, not throttle",
            "{\"kind\":\"error\",\"status\":502,\"count\":1}                     | status of an error fault is 500 (ServerError) or 503 (ServiceUnavailable), not 502",
            "{\"kind\":\"drop\",\"count\":1,\"cout\":2}                          | Unknown field 'cout'; a fault has count, errorCode, kind, latencyMs, operationClass, rate, retryAfterSeconds, seed, status"})
    void badFaultBody_is400WithItsPreciseMessage(String body, String message) {
        RawHub.Response refused = post(body.trim());

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorCode()).isEqualTo(400004);
        assertThat(refused.errorMessage()).startsWith(namedField(message));
        assertThat(list()).isEmpty();
    }

    @Test
    void faultBodyThatIsNotAnObject_is400006() {
        assertThat(post("[1,2]").errorCode()).isEqualTo(400006);
        assertThat(post("{\"kind\":").errorCode()).isEqualTo(400006);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"tier\":\"S4\"}                  | tier is S1, S2 or S3, not \"S4\"",
            "{\"units\":2}                      | tier is S1, S2 or S3, not null",
            "{\"tier\":\"S3\",\"units\":11}     | units of tier S3 is a whole number from 1 to 10, not 11",
            "{\"tier\":\"S1\",\"units\":0}      | units of tier S1 is a whole number from 1 to 200, not 0",
            "{\"tier\":\"S1\",\"units\":\"1\"}  | units of tier S1 is a whole number from 1 to 200, not \"1\"",
            "{\"tier\":\"S1\",\"sku\":\"x\"}    | Unknown field 'sku'; a quota has tier and units"})
    void badQuotaBody_is400WithItsPreciseMessage(String body, String message) {
        RawHub.Response refused = raw.send("PUT", "/_emulator/quota", body.trim(), Map.of());

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorMessage()).isEqualTo(namedField(message));
        assertThat(raw.send("GET", "/_emulator/quota", null, Map.of()).json().get("enabled").booleanValue()).isFalse();
    }

    @Test
    void quotaUnits_defaultToOne_andTierIsCaseInsensitive() {
        JsonNode quota = raw.send("PUT", "/_emulator/quota", "{\"tier\":\"s2\"}", Map.of()).json();

        assertThat(quota.get("tier").textValue()).isEqualTo("S2");
        assertThat(quota.get("units").intValue()).isEqualTo(1);
    }
}
