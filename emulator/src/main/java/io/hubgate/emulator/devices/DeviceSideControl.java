package io.hubgate.emulator.devices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.api.IdRules;
import io.hubgate.emulator.api.TwinJson;
import io.hubgate.emulator.control.ControlSurface;
import io.hubgate.emulator.devices.SimulatedDevices.Target;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.HubResponse;
import io.hubgate.emulator.http.RouteTable.PathParameters;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.store.DeviceEntry;

import java.time.Duration;

/**
 * The control routes that play the device side, for devices and modules alike:
 *
 * <pre>
 * POST   /_emulator/devices/{deviceId}[/modules/{moduleId}]/connect
 * POST   /_emulator/devices/{deviceId}[/modules/{moduleId}]/disconnect
 * PATCH  /_emulator/devices/{deviceId}[/modules/{moduleId}]/reported          body: reported properties
 * PUT    /_emulator/devices/{deviceId}[/modules/{moduleId}]/methods/{name}    body: {status, payload, delayMs, answer, echo}
 * DELETE /_emulator/devices/{deviceId}[/modules/{moduleId}]/methods/{name}
 * GET    /_emulator/devices/{deviceId}[/modules/{moduleId}]/methods/{name}/calls
 * </pre>
 */
public final class DeviceSideControl implements ControlSurface.Contributor {

    /** The longest a simulated device may be told to take: the service's largest response timeout. */
    static final Duration MAX_DELAY = Duration.ofSeconds(300);

    private final SimulatedDevices devices;

    public DeviceSideControl(SimulatedDevices devices) {
        this.devices = devices;
    }

    @Override
    public void register(ControlSurface surface) {
        for (String base : new String[]{"/devices/{deviceId}", "/devices/{deviceId}/modules/{moduleId}"}) {
            surface.add("POST", base + "/connect", (request, path) -> connection(path, true))
                    .add("POST", base + "/disconnect", (request, path) -> connection(path, false))
                    .add("PATCH", base + "/reported", this::report)
                    .add("PUT", base + "/methods/{methodName}", this::onMethod)
                    .add("DELETE", base + "/methods/{methodName}", this::removeMethod)
                    .add("GET", base + "/methods/{methodName}/calls", this::calls);
        }
    }

    private HubResponse connection(PathParameters path, boolean connected) {
        devices.setConnected(target(path), connected);
        return HubResponse.noContent();
    }

    private HubResponse report(HubRequest request, PathParameters path) {
        Target target = target(path);
        DeviceEntry entry = devices.report(target, request.jsonObjectBody());
        ObjectNode twin = target.moduleId() == null
                ? TwinJson.render(entry.identity(), entry.twin())
                : TwinJson.render(entry.modules().get(target.moduleId()).identity(), entry.modules().get(target.moduleId()).twin());
        return HubResponse.ok(twin);
    }

    private HubResponse onMethod(HubRequest request, PathParameters path) {
        ObjectNode body = request.body().length == 0 ? Json.object() : request.jsonObjectBody();
        devices.onMethod(target(path), path.get("methodName"), readBehaviour(body));
        return HubResponse.noContent();
    }

    private HubResponse removeMethod(HubRequest request, PathParameters path) {
        devices.removeMethod(target(path), path.get("methodName"));
        return HubResponse.noContent();
    }

    private HubResponse calls(HubRequest request, PathParameters path) {
        ArrayNode calls = Json.MAPPER.createArrayNode();
        for (ReceivedCall call : devices.receivedCalls(target(path))) {
            if (!call.methodName().equals(path.get("methodName"))) {
                continue;
            }
            ObjectNode json = calls.addObject();
            json.put("methodName", call.methodName());
            json.set("payload", call.payload());
            json.put("responseTimeoutInSeconds", call.responseTimeout().toSeconds());
            json.put("connectTimeoutInSeconds", call.connectTimeout().toSeconds());
            json.put("receivedAt", call.receivedAt().toString());
        }
        return HubResponse.ok(calls);
    }

    static MethodBehaviour readBehaviour(ObjectNode body) {
        int status = 200;
        JsonNode statusNode = body.get("status");
        if (statusNode != null && !statusNode.isNull()) {
            if (!statusNode.isIntegralNumber() || !statusNode.canConvertToInt()) {
                throw HubException.argumentInvalid("status must be a whole number");
            }
            status = statusNode.intValue();
        }
        long delayMs = 0;
        JsonNode delayNode = body.get("delayMs");
        if (delayNode != null && !delayNode.isNull()) {
            if (!delayNode.isIntegralNumber() || delayNode.longValue() < 0 || delayNode.longValue() > MAX_DELAY.toMillis()) {
                throw HubException.argumentInvalid("delayMs must be a whole number from 0 to " + MAX_DELAY.toMillis());
            }
            delayMs = delayNode.longValue();
        }
        return new MethodBehaviour(status, body.has("payload") ? body.get("payload") : NullNode.getInstance(),
                Duration.ofMillis(delayMs), readFlag(body, "answer", true), readFlag(body, "echo", false));
    }

    private static boolean readFlag(ObjectNode body, String field, boolean defaultValue) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw HubException.argumentInvalid(field + " must be true or false");
        }
        return value.booleanValue();
    }

    private static Target target(PathParameters path) {
        String deviceId = path.get("deviceId");
        IdRules.validateDeviceId(deviceId);
        String moduleId = path.get("moduleId");
        if (moduleId != null) {
            IdRules.validateModuleId(moduleId);
        }
        return new Target(deviceId, moduleId);
    }
}
