package io.hubgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.service.exceptions.ErrorMessageParser;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The error body per endpoint, as the service words it: registry and twin errors in the named
 * form ({@code "Message":"ErrorCode:DeviceNotFound;…"}, which the Node SDK reads to pick
 * DeviceNotFoundError and C# and Python users split on ';'), direct-method errors in the JSON form
 * with the six-digit code. Both carry the name in {@code iothub-errorcode}, and both give the Java
 * SDK's own parser its six-digit code.
 */
class ErrorBodyFormTest {

    private static RawHub hub;

    @BeforeAll
    static void connect() {
        hub = new RawHub(TestHub.coordinates());
    }

    @Test
    void missingDevice_isNamedDeviceNotFound_withTheMessageAsSecondField() {
        String id = TestHub.uniqueId("missing");

        RawHub.Response response = hub.call("GET", "/devices/" + id, null);

        assertNamed(response, 404, "DeviceNotFound", "Device " + id + " not registered");
    }

    @Test
    void twinOfMissingDevice_isNamedDeviceNotFound() {
        String id = TestHub.uniqueId("missing");

        assertNamed(hub.call("GET", "/twins/" + id, null), 404, "DeviceNotFound", "Device " + id + " not registered");
        assertNamed(hub.call("PATCH", "/twins/" + id, "{\"tags\":{}}"), 404, "DeviceNotFound", "Device " + id + " not registered");
    }

    @Test
    void registryConflictPreconditionAndBadInput_areNamed() {
        String id = TestHub.uniqueId("named");
        hub.call("PUT", "/devices/" + id, "{}");

        assertThat(namedCode(hub.call("PUT", "/devices/" + id, "{}"))).isEqualTo("DeviceAlreadyExists");
        assertThat(namedCode(hub.call("PUT", "/devices/" + id, "{}", java.util.Map.of("If-Match", "\"stale\""))))
                .isEqualTo("PreconditionFailed");
        assertThat(namedCode(hub.call("PATCH", "/twins/" + id, "{\"tags\":{\"a.b\":1}}"))).isEqualTo("ArgumentInvalid");
        assertThat(namedCode(hub.call("POST", "/devices/query", "{\"query\":\"SELECT * FROM\"}"))).isEqualTo("ArgumentInvalid");
    }

    @Test
    void namedForm_givesTheJavaSdksParserItsSixDigitCode() {
        RawHub.Response response = hub.call("GET", "/devices/" + TestHub.uniqueId("missing"), null);

        String best = ErrorMessageParser.bestErrorMessage(response.body());

        assertThat(ErrorMessageParser.bestErrorCode(best)).as(best).isEqualTo(404001);
    }

    @Test
    void namedForm_keepsSemicolonsAndBracesOfTheMessageOutOfTheFields() {
        String id = TestHub.uniqueId("braces");
        hub.call("PUT", "/devices/" + id, "{}");

        RawHub.Response response = hub.call("PATCH", "/twins/" + id, "{\"tags\":{\"x;{y}.z\":1}}");

        String message = outer(response).get("Message").textValue();
        assertThat(message.split(";")[0]).isEqualTo("ErrorCode:ArgumentInvalid");
        assertThat(message.split(";")[1]).doesNotContain("{").isNotBlank();
        assertThat(ErrorMessageParser.bestErrorCode(ErrorMessageParser.bestErrorMessage(response.body()))).isEqualTo(400004);
    }

    @Test
    void directMethodErrors_useTheJsonFormWithAnEmptyExceptionMessage() {
        String id = TestHub.uniqueId("offline");
        hub.call("PUT", "/devices/" + id, "{}");

        RawHub.Response response = hub.call("POST", "/twins/" + id + "/methods", "{\"methodName\":\"reboot\"}");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.headers().get("iothub-errorcode")).isEqualTo("DeviceNotOnline");
        JsonNode outer = outer(response);
        assertThat(outer.get("ExceptionMessage").textValue()).isEmpty();
        JsonNode inner = parse(outer.get("Message").textValue());
        assertThat(inner.get("errorCode").intValue()).isEqualTo(404103);
        assertThat(inner.get("trackingId").textValue()).isNotBlank();
        assertThat(inner.get("message").textValue()).isNotBlank();
        assertThat(inner.get("info").isObject()).isTrue();
        assertThat(inner.get("timestampUtc").textValue()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
        assertThat(ErrorMessageParser.bestErrorCode(ErrorMessageParser.bestErrorMessage(response.body()))).isEqualTo(404103);
    }

    private static void assertNamed(RawHub.Response response, int status, String name, String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().get("iothub-errorcode")).isEqualTo(name);
        assertThat(response.headers().get("content-type")).startsWith("application/json");
        JsonNode outer = outer(response);
        String[] fields = outer.get("Message").textValue().split(";");
        assertThat(fields[0]).isEqualTo("ErrorCode:" + name);
        assertThat(fields[1]).isEqualTo(message);
        assertThat(outer.get("ExceptionMessage").textValue()).matches("Tracking ID:[0-9A-F]{32}-G:0-TimeStamp:\\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d:\\d\\d");
    }

    private static String namedCode(RawHub.Response response) {
        String message = outer(response).get("Message").textValue();
        assertThat(message).as(response.body()).startsWith("ErrorCode:");
        return message.substring("ErrorCode:".length(), message.indexOf(';'));
    }

    private static JsonNode outer(RawHub.Response response) {
        return response.json();
    }

    private static JsonNode parse(String text) {
        try {
            return Json.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
