package io.hubgate.server;

import com.google.protobuf.FieldMask;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.DeleteDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.DeviceStatus;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.IdentityView;
import io.hubgate.api.v1.UpdateDeviceRequest;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Devices end to end: gRPC stub → gateway → official SDK → emulator. */
class RegistryServiceTest {

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    private static Device create(String id) {
        return gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id)).build());
    }

    @Test
    void createThenGet_returnsTheDevice_withoutKeysUnlessAsked() {
        String id = TestGateway.uniqueId("dev");
        Device created = create(id);

        Device plain = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build());
        Device withKeys = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id)
                .setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build());

        assertThat(created.getDeviceId()).isEqualTo(id);
        assertThat(created.getEtag()).isNotEmpty();
        assertThat(created.hasSymmetricKeys()).isFalse();
        assertThat(plain.getEtag()).isEqualTo(created.getEtag());
        assertThat(plain.hasSymmetricKeys()).isFalse();
        assertThat(withKeys.getSymmetricKeys().getPrimaryKey()).isNotEmpty();
    }

    @Test
    void getMissing_isNotFound_withTheIotHubReason() {
        assertThatThrownBy(() -> gateway.registry().getDevice(GetDeviceRequest.newBuilder()
                .setDeviceId(TestGateway.uniqueId("none")).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(Statuses.errorInfo(e).getReason()).isEqualTo("DeviceNotFound");
                    assertThat(Statuses.errorInfo(e).getMetadataMap()).containsEntry("iotHubErrorCode", "404001");
                    // The readable message, not IoT Hub's JSON error body.
                    assertThat(e.getStatus().getDescription()).doesNotStartWith("{").contains("not registered");
                });
    }

    @Test
    void createTwice_isAlreadyExists() {
        String id = TestGateway.uniqueId("twice");
        create(id);

        assertThatThrownBy(() -> create(id)).isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
    }

    @Test
    void badId_isInvalidArgument_namingTheField_withoutCallingTheHub() {
        assertThatThrownBy(() -> create("bad#id")).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Statuses.violatedFields(e)).containsExactly("device.device_id");
        });
    }

    @Test
    void update_disablesTheDevice_andStaleEtagIsAborted() {
        String id = TestGateway.uniqueId("upd");
        Device created = create(id);

        Device updated = gateway.registry().updateDevice(UpdateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setEtag(created.getEtag()).setStatus(DeviceStatus.DEVICE_STATUS_DISABLED))
                .setUpdateMask(FieldMask.newBuilder().addPaths("status")).build());

        assertThat(updated.getStatus()).isEqualTo(DeviceStatus.DEVICE_STATUS_DISABLED);
        assertThatThrownBy(() -> gateway.registry().updateDevice(UpdateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setEtag(created.getEtag()).setStatus(DeviceStatus.DEVICE_STATUS_ENABLED))
                .setUpdateMask(FieldMask.newBuilder().addPaths("status")).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED));
    }

    @Test
    void deleteWithStaleEtag_isAborted_andWithCurrentEtagDeletes() {
        String id = TestGateway.uniqueId("del");
        Device created = create(id);
        gateway.registry().updateDevice(UpdateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setStatus(DeviceStatus.DEVICE_STATUS_DISABLED))
                .setUpdateMask(FieldMask.newBuilder().addPaths("status")).build());

        assertThatThrownBy(() -> gateway.registry().deleteDevice(DeleteDeviceRequest.newBuilder()
                .setDeviceId(id).setEtag(created.getEtag()).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
                    assertThat(Statuses.errorInfo(e).getReason()).isEqualTo("PreconditionFailed");
                });
        String current = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build()).getEtag();
        gateway.registry().deleteDevice(DeleteDeviceRequest.newBuilder().setDeviceId(id).setEtag(current).build());
        assertThat(gateway.hub().store().get(id)).isNull();
    }
}
