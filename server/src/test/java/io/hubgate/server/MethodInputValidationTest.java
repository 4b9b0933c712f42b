package io.hubgate.server;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.InvokeMethodRequest;
import io.hubgate.emulator.devices.MethodBehaviour;
import io.hubgate.emulator.devices.SimulatedDevices.Target;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * InvokeMethod checks its method name against IoT Hub's rule and its payload for numbers JSON
 * cannot carry, before anything reaches the device: INVALID_ARGUMENT naming the field, never
 * INTERNAL.
 */
class MethodInputValidationTest {

    private static final MethodBehaviour ECHO = new MethodBehaviour(200, null, java.time.Duration.ZERO, true, true);

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static String deviceId;

    @BeforeAll
    static void prepare() {
        deviceId = TestGateway.uniqueId("methods");
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(deviceId)).build());
        gateway.hub().devices().setConnected(new Target(deviceId, null), true);
    }

    private static StatusRuntimeException invoke(String method, Value payload) {
        InvokeMethodRequest.Builder request = InvokeMethodRequest.newBuilder().setDeviceId(deviceId).setMethodName(method);
        if (payload != null) {
            request.setPayload(payload);
        }
        return Statuses.failureOf(() -> gateway.methods().invokeMethod(request.build()));
    }

    private static void assertInvalid(StatusRuntimeException failure, String field) {
        assertThat(failure.getStatus().getCode()).as(failure.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(failure)).containsExactly(field);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../reboot", "a b", "$edgeHub", "reboot\r\n", "re\nboot", "a/b", "a{b}", "r\u00e9boot", "a.b"})
    void aMethodNameOutsideIotHubsRule_isInvalidArgument(String name) {
        assertInvalid(invoke(name, null), "method_name");
    }

    @Test
    void aMethodNameOf1000Characters_isInvalidArgument() {
        assertInvalid(invoke("a".repeat(1000), null), "method_name");
    }

    @Test
    void aMethodNameOf128Characters_reachesTheDevice() {
        String name = "m".repeat(128);
        gateway.hub().devices().onMethod(new Target(deviceId, null), name, ECHO);
        assertThat(gateway.methods().invokeMethod(InvokeMethodRequest.newBuilder().setDeviceId(deviceId).setMethodName(name).build())
                .getStatus()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void aPayloadNumberThatIsNotFinite_isInvalidArgument(double number) {
        Value bad = Value.newBuilder().setNumberValue(number).build();
        assertInvalid(invoke("reboot", bad), "payload");
        Value nested = Value.newBuilder().setStructValue(Struct.newBuilder().putFields("delay",
                Value.newBuilder().setListValue(ListValue.newBuilder().addValues(bad)).build())).build();
        assertInvalid(invoke("reboot", nested), "payload.delay[0]");
    }
}
