package io.hubgate.emulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.HubResponse;
import io.hubgate.emulator.http.RouteTable.PathParameters;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.methods.MethodCall;
import io.hubgate.emulator.methods.MethodInvoker;
import io.hubgate.emulator.methods.MethodResult;
import io.hubgate.emulator.registry.IdentityRegistry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * REST handler for direct methods on devices and modules: validates the request the way the
 * service does, checks that the target exists, and hands the call to the device side. Its
 * request reader also checks the method part of a scheduled method job.
 */
public final class MethodApi {

    /** The service accepts response timeouts of 5 to 300 seconds; 30 when absent. */
    static final int MIN_RESPONSE_TIMEOUT_SECONDS = 5;
    static final int MAX_TIMEOUT_SECONDS = 300;
    static final int DEFAULT_RESPONSE_TIMEOUT_SECONDS = 30;
    /** Method payloads are at most 128 KB. */
    static final int MAX_PAYLOAD_BYTES = 128 * 1024;
    static final int MAX_METHOD_NAME_LENGTH = 128;
    /** Printable ASCII a method name may not hold (HTTP's token separators). */
    static final String METHOD_NAME_SEPARATORS = "$()<>@,;:\\\"/[]?={}";

    private final IdentityRegistry registry;
    private final MethodInvoker invoker;

    MethodApi(IdentityRegistry registry, MethodInvoker invoker) {
        this.registry = registry;
        this.invoker = invoker;
    }

    HubResponse invokeOnDevice(HubRequest request, PathParameters path) {
        String deviceId = path.get("deviceId");
        IdRules.validateDeviceId(deviceId);
        MethodCall call = readCall(request.jsonObjectBody(), deviceId, null);
        registry.getDevice(deviceId);
        return HubResponse.deferred(invoker.invoke(call).thenApply(MethodApi::answer));
    }

    HubResponse invokeOnModule(HubRequest request, PathParameters path) {
        String deviceId = path.get("deviceId");
        String moduleId = path.get("moduleId");
        IdRules.validateDeviceId(deviceId);
        IdRules.validateModuleId(moduleId);
        MethodCall call = readCall(request.jsonObjectBody(), deviceId, moduleId);
        registry.getModule(deviceId, moduleId);
        return HubResponse.deferred(invoker.invoke(call).thenApply(MethodApi::answer));
    }

    private static HubResponse answer(MethodResult result) {
        ObjectNode json = Json.object();
        json.put("status", result.status());
        json.set("payload", result.payload() == null ? NullNode.getInstance() : result.payload());
        return HubResponse.ok(json);
    }

    /** Reads and checks a method request body (name, timeouts, payload size) the way the service does. */
    public static MethodCall readCall(ObjectNode body, String deviceId, String moduleId) {
        JsonNode name = body.get("methodName");
        if (name == null || name.isNull() || (name.isTextual() && name.textValue().isBlank())) {
            throw new HubException(HubErrorCode.ARGUMENT_NULL, "methodName is required");
        }
        if (!name.isTextual()) {
            throw HubException.argumentInvalid("methodName must be a string");
        }
        checkMethodName(name.textValue());
        int responseTimeout = readSeconds(body, "responseTimeoutInSeconds", DEFAULT_RESPONSE_TIMEOUT_SECONDS,
                MIN_RESPONSE_TIMEOUT_SECONDS);
        int connectTimeout = readSeconds(body, "connectTimeoutInSeconds", 0, 0);
        JsonNode payload = body.has("payload") ? body.get("payload") : NullNode.getInstance();
        int payloadBytes = Json.text(payload).getBytes(StandardCharsets.UTF_8).length;
        if (payloadBytes > MAX_PAYLOAD_BYTES) {
            throw new HubException(HubErrorCode.MESSAGE_TOO_LARGE, "The method payload is " + payloadBytes
                    + " bytes; at most " + MAX_PAYLOAD_BYTES + " are allowed");
        }
        return new MethodCall(deviceId, moduleId, name.textValue(), payload,
                Duration.ofSeconds(responseTimeout), Duration.ofSeconds(connectTimeout));
    }

    /**
     * The service's rule for method names: at most {@value #MAX_METHOD_NAME_LENGTH} characters of
     * 7-bit ASCII, no space, control character or any of {@value #METHOD_NAME_SEPARATORS}; a name
     * outside it is 400 / 400004 before any device is asked. (The Java SDK also refuses '.',
     * which the service allows.)
     */
    static void checkMethodName(String name) {
        if (name.length() > MAX_METHOD_NAME_LENGTH) {
            throw HubException.argumentInvalid("methodName is " + name.length() + " characters long; at most "
                    + MAX_METHOD_NAME_LENGTH + " are allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7F || METHOD_NAME_SEPARATORS.indexOf(c) >= 0) {
                throw HubException.argumentInvalid("methodName may hold ASCII letters, digits and !#%&'*+-.^_`|~ only; found "
                        + (c <= 0x20 || c >= 0x7F ? String.format("U+%04X", (int) c) : "'" + c + "'") + " at position " + i);
            }
        }
    }

    private static int readSeconds(ObjectNode body, String field, int defaultValue, int min) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw HubException.argumentInvalid(field + " must be a whole number of seconds");
        }
        int seconds = value.intValue();
        if (seconds < min || seconds > MAX_TIMEOUT_SECONDS) {
            throw HubException.argumentInvalid(field + " is " + seconds + "; it must be between " + min + " and "
                    + MAX_TIMEOUT_SECONDS + " seconds");
        }
        return seconds;
    }
}
