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
 * DeviceNotFoundError and C# and Python users split on ';'), exactly the service's two fields;
 * direct-method errors in the JSON form with the six-digit code. Both carry the name in
 * {@code iothub-errorcode}. The Java SDK's own parser finds the six-digit code only in the JSON
 * form: from the named form it gets nothing but the HTTP status, as from the service
 * (azure-iot-sdk-java #1108).
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
    void namedForm_isExactlyTheServicesTwoFields_withNoCopyOfTheJsonForm() {
        String id = TestHub.uniqueId("missing");

        RawHub.Response response = hub.call("GET", "/devices/" + id, null);

        JsonNode outer = outer(response);
        assertThat(outer.get("Message").textValue()).isEqualTo("ErrorCode:DeviceNotFound;Device " + id + " not registered");
        assertThat(outer.size()).as(response.body()).isEqualTo(2);
        assertThat(response.body()).doesNotContain("404001").doesNotContain("errorCode");
    }

    @Test
    void namedForm_givesTheJavaSdksParserOnlyTheName_soTheSdkKeepsTheHttpStatus() {
        String id = TestHub.uniqueId("missing");
        RawHub.Response response = hub.call("GET", "/devices/" + id, null);

        String best = ErrorMessageParser.bestErrorMessage(response.body());

        assertThat(ErrorMessageParser.bestErrorCode(best)).as(best).isEqualTo(ErrorMessageParser.getDefaultErrorCode());
        assertThat(best).startsWith("ErrorCode:DeviceNotFound;Device " + id + " not registered Tracking ID:");
    }

    @Test
    void namedForm_keepsSemicolonsAndBracesOfTheMessageOutOfTheFields() {
        String id = TestHub.uniqueId("braces");
        hub.call("PUT", "/devices/" + id, "{}");

        RawHub.Response response = hub.call("PATCH", "/twins/" + id, "{\"tags\":{\"x;{y}.z\":1}}");

        String message = outer(response).get("Message").textValue();
        assertThat(message.split(";")[0]).isEqualTo("ErrorCode:ArgumentInvalid");
        assertThat(message.split(";")).hasSize(2);
        assertThat(message.split(";")[1]).doesNotContain("{").isNotBlank();
        assertThat(ErrorMessageParser.bestErrorMessage(response.body())).startsWith(message + " Tracking ID:");
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
