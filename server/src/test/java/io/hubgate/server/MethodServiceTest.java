package io.hubgate.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Duration;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.CreateModuleRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.InvokeMethodRequest;
import io.hubgate.api.v1.InvokeMethodResponse;
import io.hubgate.api.v1.Module;
import io.hubgate.emulator.devices.MethodBehaviour;
import io.hubgate.emulator.devices.ReceivedCall;
import io.hubgate.emulator.devices.SimulatedDevices.Target;
import io.hubgate.emulator.json.Json;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Direct methods end to end: gRPC stub → gateway → official SDK → emulator → simulated device. */
class MethodServiceTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static String newDevice(String prefix) {
        String id = TestGateway.uniqueId(prefix);
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id)).build());
        return id;
    }

    /** A connected device or module that answers {@code method} as told. */
    private static Target online(Target target, String method, MethodBehaviour behaviour) {
        gateway.hub().devices().setConnected(target, true);
        gateway.hub().devices().onMethod(target, method, behaviour);
        return target;
    }

    private static MethodBehaviour answers(int status, JsonNode payload) {
        return new MethodBehaviour(status, payload, java.time.Duration.ZERO, true, false);
    }

    private static final MethodBehaviour ECHO = new MethodBehaviour(200, null, java.time.Duration.ZERO, true, true);
    private static final MethodBehaviour SILENT = new MethodBehaviour(200, null, java.time.Duration.ZERO, false, false);

    private static Duration seconds(long seconds, int nanos) {
        return Duration.newBuilder().setSeconds(seconds).setNanos(nanos).build();
    }

    private static Value number(double n) {
        return Value.newBuilder().setNumberValue(n).build();
    }

    private static Value text(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static InvokeMethodRequest.Builder call(String deviceId, String method) {
        return InvokeMethodRequest.newBuilder().setDeviceId(deviceId).setMethodName(method);
    }

    private static void assertInvalid(InvokeMethodRequest request, String... fields) {
        assertThatThrownBy(() -> gateway.methods().invokeMethod(request)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Statuses.violatedFields(e)).containsExactlyInAnyOrder(fields);
        });
    }

    @Test
    void invoke_deliversThePayload_andReturnsTheDevicesStatusAndPayload() throws Exception {
        String id = newDevice("m-ok");
        JsonNode answer = Json.MAPPER.readTree("{\"rebooting\":true,\"in\":5}");
        Target device = online(new Target(id, null), "reboot", answers(202, answer));
        Value payload = Value.newBuilder().setStructValue(Struct.newBuilder()
                .putFields("delay", number(5)).putFields("reason", text("update"))).build();

        InvokeMethodResponse response = gateway.methods().invokeMethod(call(id, "reboot").setPayload(payload).build());

        assertThat(response.getStatus()).isEqualTo(202);
        assertThat(response.getPayload()).isEqualTo(Value.newBuilder().setStructValue(Struct.newBuilder()
                .putFields("rebooting", Value.newBuilder().setBoolValue(true).build()).putFields("in", number(5))).build());
        List<ReceivedCall> received = gateway.hub().devices().receivedCalls(device);
        assertThat(received).singleElement().satisfies(call -> {
            assertThat(call.methodName()).isEqualTo("reboot");
            assertThat(call.payload()).isEqualTo(Json.MAPPER.readTree("{\"delay\":5,\"reason\":\"update\"}"));
            assertThat(call.payload().get("delay").isIntegralNumber()).isTrue();
            assertThat(call.responseTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
        });
    }

    @Test
    void invoke_roundTripsAnyJsonValue() {
        String id = newDevice("m-echo");
        online(new Target(id, null), "echo", ECHO);
        Value list = Value.newBuilder().setListValue(ListValue.newBuilder()
                .addValues(number(1)).addValues(number(2.5)).addValues(text("three"))).build();

        assertThat(gateway.methods().invokeMethod(call(id, "echo").setPayload(list).build()).getPayload()).isEqualTo(list);
        assertThat(gateway.methods().invokeMethod(call(id, "echo").setPayload(text("hello")).build()).getPayload())
                .isEqualTo(text("hello"));
    }

    @Test
    void invoke_onAModule_reachesTheModule() throws Exception {
        String id = newDevice("m-mod");
        gateway.registry().createModule(CreateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(id).setModuleId("camera")).build());
        Target module = online(new Target(id, "camera"), "snap", answers(200, Json.MAPPER.readTree("{\"frames\":1}")));

        InvokeMethodResponse response = gateway.methods().invokeMethod(call(id, "snap").setModuleId("camera").build());

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getPayload().getStructValue().getFieldsOrThrow("frames").getNumberValue()).isEqualTo(1.0);
        assertThat(gateway.hub().devices().receivedCalls(module)).extracting(ReceivedCall::methodName).containsExactly("snap");
        assertThat(gateway.hub().devices().receivedCalls(new Target(id, null))).isEmpty();
    }

    @Test
    void invoke_onAnOfflineDevice_isNotFound_DeviceNotOnline() {
        String id = newDevice("m-off");

        assertThatThrownBy(() -> gateway.methods().invokeMethod(call(id, "reboot").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(Statuses.errorInfo(e).getReason()).isEqualTo("DeviceNotOnline");
                });
    }

    @Test
    void invoke_onADeviceThatNeverAnswers_isDeadlineExceeded_GatewayTimeout() {
        String id = newDevice("m-silent");
        online(new Target(id, null), "reboot", SILENT);

        assertThatThrownBy(() -> gateway.methods().invokeMethod(call(id, "reboot").setResponseTimeout(seconds(5, 0)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                    assertThat(Statuses.errorInfo(e).getReason()).isEqualTo("GatewayTimeout");
                    assertThat(Statuses.errorInfo(e).getMetadataMap()).containsEntry("iotHubErrorCode", "504101");
                });
    }

    @Test
    void aCallerDeadlineShorterThanTheResponseTimeout_wins() {
        String id = newDevice("m-deadline");
        Target device = online(new Target(id, null), "reboot", SILENT);
        long started = System.nanoTime();

        assertThatThrownBy(() -> gateway.methods().withDeadlineAfter(6, TimeUnit.SECONDS)
                .invokeMethod(call(id, "reboot").setResponseTimeout(seconds(60, 0)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

        // Only an upper bound, far below the 60 s response timeout, for a loaded machine.
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(30));
        // The gateway passed the caller's deadline on, so IoT Hub gives up no later than the caller.
        assertThat(gateway.hub().devices().receivedCalls(device)).singleElement().satisfies(call ->
                assertThat(call.responseTimeout()).isLessThanOrEqualTo(java.time.Duration.ofSeconds(6)));
    }

    @Test
    void anEmptyMethodName_isInvalid() {
        assertInvalid(call("some-device", "").build(), "method_name");
    }

    @Test
    void responseTimeouts_outside5To300WholeSeconds_areInvalid() {
        assertInvalid(call("some-device", "m").setResponseTimeout(seconds(1, 0)).build(), "response_timeout");
        assertInvalid(call("some-device", "m").setResponseTimeout(seconds(301, 0)).build(), "response_timeout");
        assertInvalid(call("some-device", "m").setResponseTimeout(seconds(5, 500_000_000)).build(), "response_timeout");
        assertInvalid(call("some-device", "m").setConnectTimeout(seconds(301, 0)).build(), "connect_timeout");
    }

    @Test
    void aPayloadOver128KB_isInvalid() {
        Value big = text("x".repeat(128 * 1024));

        assertInvalid(call("some-device", "m").setPayload(big).build(), "payload");
    }

    @Test
    void everyProblem_isReportedAtOnce() {
        assertInvalid(InvokeMethodRequest.newBuilder().setDeviceId("bad id").setResponseTimeout(seconds(1, 0)).build(),
                "device_id", "method_name", "response_timeout");
    }
}
