package io.hubgate.server;

import com.google.protobuf.FieldMask;
import com.google.rpc.Code;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.BatchCreateDevicesRequest;
import io.hubgate.api.v1.BatchCreateDevicesResponse;
import io.hubgate.api.v1.BatchDeleteDevicesRequest;
import io.hubgate.api.v1.BatchDeleteDevicesResponse;
import io.hubgate.api.v1.BatchUpdateDevicesRequest;
import io.hubgate.api.v1.BatchUpdateDevicesResponse;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.DeleteDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.DeviceResult;
import io.hubgate.api.v1.DeviceStatus;
import io.hubgate.api.v1.IdentityView;
import io.hubgate.api.v1.UpdateDeviceRequest;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import io.hubgate.emulator.store.DeviceEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.hubgate.server.support.Statuses.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batch create, update and delete over the real socket: each item gets its own result, with the
 * code and details a single call would give inside {@code google.rpc.Status}; only a malformed
 * batch (a repeated id) fails as a whole, and then nothing is written.
 */
class BatchDevicesTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    /** A prefix no other test uses, so ids of different tests never collide. */
    private static String batchPrefix() {
        return "b" + UUID.randomUUID().toString().substring(0, 6) + "-";
    }

    private static Device create(String id) {
        return gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
    }

    private static CreateDeviceRequest createItem(String id) {
        return CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build();
    }

    private static DeviceEntry stored(String id) {
        return gateway.hub().store().get(id);
    }

    @Test
    void create250_withTenExistingAndFiveInvalidIds_createsTheOther235_andReportsEachFailure() {
        String prefix = batchPrefix();
        List<String> ids = new ArrayList<>();
        Map<Integer, String> existing = new HashMap<>();
        Map<Integer, String> invalid = new HashMap<>();
        for (int i = 0; i < 250; i++) {
            String id = prefix + String.format("%03d", i);
            if (i % 25 == 3) {
                existing.put(i, id);
            } else if (i % 50 == 11) {
                id = prefix + "bad id " + i;
                invalid.put(i, id);
            }
            ids.add(id);
        }
        Map<String, String> etagsBefore = new HashMap<>();
        existing.values().forEach(id -> etagsBefore.put(id, create(id).getEtag()));
        BatchCreateDevicesRequest.Builder request = BatchCreateDevicesRequest.newBuilder();
        ids.forEach(id -> request.addRequests(createItem(id)));

        BatchCreateDevicesResponse response = gateway.registry().batchCreateDevices(request.build());

        assertThat(existing).hasSize(10);
        assertThat(invalid).hasSize(5);
        assertThat(response.getResultsList()).extracting(DeviceResult::getDeviceId).containsExactlyElementsOf(ids);
        for (int i = 0; i < ids.size(); i++) {
            DeviceResult result = response.getResults(i);
            String id = ids.get(i);
            if (existing.containsKey(i)) {
                assertThat(result.getStatus().getCode()).as(id).isEqualTo(Code.ALREADY_EXISTS_VALUE);
                assertThat(Statuses.errorInfo(result.getStatus()).getReason()).isEqualTo("DeviceAlreadyExists");
                assertThat(Statuses.errorInfo(result.getStatus()).getMetadataMap()).containsEntry("iotHubErrorCode", "409001");
                assertThat(result.hasDevice()).isFalse();
                assertThat(stored(id).identity().etag()).as("an existing device is left alone").isEqualTo(etagsBefore.get(id));
            } else if (invalid.containsKey(i)) {
                assertThat(result.getStatus().getCode()).as(id).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
                assertThat(Statuses.violatedFields(result.getStatus())).containsExactly("requests[" + i + "].device.device_id");
                assertThat(result.hasDevice()).isFalse();
                assertThat(stored(id)).isNull();
            } else {
                assertThat(result.getStatus().getCode()).as(id).isEqualTo(Code.OK_VALUE);
                assertThat(result.getDevice().getDeviceId()).isEqualTo(id);
                assertThat(result.getDevice().getEtag()).as("the bulk API returns no etag").isEmpty();
                assertThat(result.getDevice().hasSymmetricKeys()).isFalse();
                assertThat(stored(id)).as(id + " really exists").isNotNull();
            }
        }
        long created = ids.stream().filter(id -> id.startsWith(prefix) && stored(id) != null).count();
        assertThat(created).isEqualTo(245);
    }

    @Test
    void create_withKeysView_returnsEachDevicesKeys() {
        String prefix = batchPrefix();
        BatchCreateDevicesResponse response = gateway.registry().batchCreateDevices(BatchCreateDevicesRequest.newBuilder()
                .addRequests(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(prefix + "k1"))
                        .setView(IdentityView.IDENTITY_VIEW_WITH_KEYS))
                .addRequests(createItem(prefix + "k2")).build());

        assertThat(response.getResults(0).getDevice().getSymmetricKeys().getPrimaryKey())
                .isEqualTo(stored(prefix + "k1").identity().authentication().symmetricKey().primaryKey());
        assertThat(response.getResults(1).getDevice().hasSymmetricKeys()).isFalse();
    }

    @Test
    void create_withARepeatedId_failsAsAWhole_namingTheRepeat_andCreatesNothing() {
        String prefix = batchPrefix();
        BatchCreateDevicesRequest request = BatchCreateDevicesRequest.newBuilder()
                .addRequests(createItem(prefix + "a")).addRequests(createItem(prefix + "b"))
                .addRequests(createItem(prefix + "c")).addRequests(createItem(prefix + "b")).build();

        StatusRuntimeException failure = failureOf(() -> gateway.registry().batchCreateDevices(request));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(failure)).containsExactly("requests[3].device.device_id");
        assertThat(List.of("a", "b", "c")).allSatisfy(suffix -> assertThat(stored(prefix + suffix)).isNull());
    }

    @Test
    void anEmptyBatch_hasNoResults() {
        assertThat(gateway.registry().batchCreateDevices(BatchCreateDevicesRequest.getDefaultInstance()).getResultsCount())
                .isZero();
        assertThat(gateway.registry().batchDeleteDevices(BatchDeleteDevicesRequest.getDefaultInstance()).getResultsCount())
                .isZero();
    }

    @Test
    void update_disablesEachDevice_andReportsMissingStaleAndInvalidItemsOnTheirOwn() {
        String prefix = batchPrefix();
        List<Device> devices = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            devices.add(create(prefix + i));
        }
        Device stale = devices.get(7);
        gateway.registry().updateDevice(UpdateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(stale.getDeviceId()).setIotEdge(true))
                .setUpdateMask(FieldMask.newBuilder().addPaths("iot_edge")).build());
        BatchUpdateDevicesRequest.Builder request = BatchUpdateDevicesRequest.newBuilder();
        for (Device device : devices) {
            request.addRequests(UpdateDeviceRequest.newBuilder()
                    .setDevice(Device.newBuilder().setDeviceId(device.getDeviceId()).setEtag(device.getEtag())
                            .setStatus(DeviceStatus.DEVICE_STATUS_DISABLED))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("status")));
        }
        request.addRequests(UpdateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(prefix + "missing").setStatus(DeviceStatus.DEVICE_STATUS_DISABLED))
                .setUpdateMask(FieldMask.newBuilder().addPaths("status")));
        request.addRequests(UpdateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(prefix + "nomask").setStatus(DeviceStatus.DEVICE_STATUS_DISABLED)));

        BatchUpdateDevicesResponse response = gateway.registry().batchUpdateDevices(request.build());

        assertThat(response.getResultsCount()).isEqualTo(122);
        for (int i = 0; i < devices.size(); i++) {
            DeviceResult result = response.getResults(i);
            String id = devices.get(i).getDeviceId();
            assertThat(result.getDeviceId()).isEqualTo(id);
            if (i == 7) {
                assertThat(result.getStatus().getCode()).isEqualTo(Code.ABORTED_VALUE);
                assertThat(stored(id).identity().enabled()).isTrue();
            } else {
                assertThat(result.getStatus().getCode()).as(id).isEqualTo(Code.OK_VALUE);
                assertThat(result.getDevice().getStatus()).isEqualTo(DeviceStatus.DEVICE_STATUS_DISABLED);
                assertThat(stored(id).identity().enabled()).isFalse();
            }
        }
        DeviceResult missing = response.getResults(120);
        assertThat(missing.getStatus().getCode()).isEqualTo(Code.NOT_FOUND_VALUE);
        assertThat(Statuses.errorInfo(missing.getStatus()).getReason()).isEqualTo("DeviceNotFound");
        DeviceResult noMask = response.getResults(121);
        assertThat(noMask.getStatus().getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
        assertThat(Statuses.violatedFields(noMask.getStatus())).containsExactly("requests[121].update_mask");
    }

    @Test
    void update_withARepeatedId_failsAsAWhole() {
        String prefix = batchPrefix();
        create(prefix + "x");
        UpdateDeviceRequest item = UpdateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(prefix + "x").setStatus(DeviceStatus.DEVICE_STATUS_DISABLED))
                .setUpdateMask(FieldMask.newBuilder().addPaths("status")).build();

        StatusRuntimeException failure = failureOf(() -> gateway.registry().batchUpdateDevices(
                BatchUpdateDevicesRequest.newBuilder().addRequests(item).addRequests(item).build()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(failure)).containsExactly("requests[1].device.device_id");
        assertThat(stored(prefix + "x").identity().enabled()).isTrue();
    }

    @Test
    void delete250_removesThem_andReportsMissingAndStaleItemsOnTheirOwn() {
        String prefix = batchPrefix();
        BatchCreateDevicesRequest.Builder creates = BatchCreateDevicesRequest.newBuilder();
        for (int i = 0; i < 248; i++) {
            creates.addRequests(createItem(prefix + i));
        }
        assertThat(gateway.registry().batchCreateDevices(creates.build()).getResultsList())
                .allSatisfy(result -> assertThat(result.getStatus().getCode()).isEqualTo(Code.OK_VALUE));
        BatchDeleteDevicesRequest.Builder deletes = BatchDeleteDevicesRequest.newBuilder();
        for (int i = 0; i < 248; i++) {
            DeleteDeviceRequest.Builder item = DeleteDeviceRequest.newBuilder().setDeviceId(prefix + i);
            if (i == 100) {
                item.setEtag("c3RhbGU=");
            }
            deletes.addRequests(item);
        }
        deletes.addRequests(DeleteDeviceRequest.newBuilder().setDeviceId(prefix + "missing-1"));
        deletes.addRequests(DeleteDeviceRequest.newBuilder().setDeviceId(prefix + "missing-2"));

        BatchDeleteDevicesResponse response = gateway.registry().batchDeleteDevices(deletes.build());

        assertThat(response.getResultsCount()).isEqualTo(250);
        for (int i = 0; i < 248; i++) {
            DeviceResult result = response.getResults(i);
            assertThat(result.getDeviceId()).isEqualTo(prefix + i);
            assertThat(result.hasDevice()).isFalse();
            if (i == 100) {
                assertThat(result.getStatus().getCode()).isEqualTo(Code.ABORTED_VALUE);
                assertThat(Statuses.errorInfo(result.getStatus()).getReason()).isEqualTo("PreconditionFailed");
                assertThat(stored(prefix + i)).isNotNull();
            } else {
                assertThat(result.getStatus().getCode()).as(prefix + i).isEqualTo(Code.OK_VALUE);
                assertThat(stored(prefix + i)).isNull();
            }
        }
        assertThat(response.getResultsList().subList(248, 250)).allSatisfy(result -> {
            assertThat(result.getStatus().getCode()).isEqualTo(Code.NOT_FOUND_VALUE);
            assertThat(Statuses.errorInfo(result.getStatus()).getReason()).isEqualTo("DeviceNotFound");
        });
    }

    @Test
    void delete_withARepeatedId_failsAsAWhole_andDeletesNothing() {
        String prefix = batchPrefix();
        create(prefix + "keep");

        StatusRuntimeException failure = failureOf(() -> gateway.registry().batchDeleteDevices(BatchDeleteDevicesRequest.newBuilder()
                .addRequests(DeleteDeviceRequest.newBuilder().setDeviceId(prefix + "keep"))
                .addRequests(DeleteDeviceRequest.newBuilder().setDeviceId(prefix + "keep")).build()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(failure)).containsExactly("requests[1].device_id");
        assertThat(stored(prefix + "keep")).isNotNull();
    }
}
