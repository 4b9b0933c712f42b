package io.hubgate.server;

import com.google.protobuf.FieldMask;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.DeleteDeviceRequest;
import io.hubgate.api.v1.DeleteModuleRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.DeviceStatus;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.ReplaceTwinRequest;
import io.hubgate.api.v1.Twin;
import io.hubgate.api.v1.UpdateDeviceRequest;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A caller's etag is checked before it reaches IoT Hub's If-Match header: it must look like an
 * etag the gateway returned. Control characters, header injection, wildcards and absurd lengths
 * are INVALID_ARGUMENT on the etag field, never INTERNAL, never an unconditional write.
 */
class EtagValidationTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static String newDevice() {
        String id = TestGateway.uniqueId("etag");
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
        return id;
    }

    private static Struct desired(String key, double value) {
        return Struct.newBuilder().putFields(key, Value.newBuilder().setNumberValue(value).build()).build();
    }

    private static void assertInvalidEtag(StatusRuntimeException failure, String field) {
        assertThat(failure.getStatus().getCode()).as(failure.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(failure)).containsExactly(field);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc\n", "abc\u000b", "abc\rX-Injected: 1", "abc\r", "*", "W/\"*\"", " *", "\"*\"", "a b", "\u00e9tag"})
    void updateTwin_hostileEtag_isInvalidArgument_andTheTwinIsUnchanged(String etag) {
        String id = newDevice();
        Twin before = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        assertInvalidEtag(Statuses.failureOf(() -> gateway.twins().updateTwin(UpdateTwinRequest.newBuilder()
                .setDeviceId(id).setDesired(desired("x", 1)).setEtag(etag).build())), "etag");
        assertInvalidEtag(Statuses.failureOf(() -> gateway.twins().replaceTwin(ReplaceTwinRequest.newBuilder()
                .setDeviceId(id).setDesired(desired("x", 1)).setEtag(etag).build())), "etag");
        Twin after = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        assertThat(after.getVersion()).isEqualTo(before.getVersion());
        assertThat(after.getDesired().getProperties().getFieldsMap()).doesNotContainKey("x");
    }

    @Test
    void updateTwin_etagOver128Characters_isInvalidArgument() {
        String id = newDevice();
        assertInvalidEtag(Statuses.failureOf(() -> gateway.twins().updateTwin(UpdateTwinRequest.newBuilder()
                .setDeviceId(id).setDesired(desired("x", 1)).setEtag("A".repeat(129)).build())), "etag");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc\r", "*", "W/\"*\"", "abc\n"})
    void deleteDevice_hostileEtag_isInvalidArgument_andTheDeviceStays(String etag) {
        String id = newDevice();
        assertInvalidEtag(Statuses.failureOf(() -> gateway.registry().deleteDevice(DeleteDeviceRequest.newBuilder()
                .setDeviceId(id).setEtag(etag).build())), "etag");
        assertThat(gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build()).getDeviceId()).isEqualTo(id);
    }

    @Test
    void deleteModule_wildcardEtag_isInvalidArgument() {
        String id = newDevice();
        assertInvalidEtag(Statuses.failureOf(() -> gateway.registry().deleteModule(DeleteModuleRequest.newBuilder()
                .setDeviceId(id).setModuleId("m1").setEtag("*").build())), "etag");
    }

    @Test
    void updateDevice_wildcardEtag_isInvalidArgument() {
        String id = newDevice();
        assertInvalidEtag(Statuses.failureOf(() -> gateway.registry().updateDevice(UpdateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setStatus(DeviceStatus.DEVICE_STATUS_DISABLED).setEtag("*"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("status")).build())), "device.etag");
    }

    @Test
    void anEtagTheGatewayReturned_isAccepted() {
        String id = newDevice();
        Twin twin = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        Twin updated = gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id)
                .setDesired(desired("x", 1)).setEtag(twin.getEtag()).build());
        assertThat(updated.getDesired().getProperties().getFieldsMap()).containsKey("x");
        Device device = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build());
        gateway.registry().deleteDevice(DeleteDeviceRequest.newBuilder().setDeviceId(id).setEtag(device.getEtag()).build());
    }
}
