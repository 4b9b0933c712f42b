package io.hubgate.server;

import com.google.protobuf.FieldMask;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.DeviceStatus;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.UpdateDeviceRequest;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.Operation;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.server.support.AccessLogCapture;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * UpdateDevice is a read and a conditional write, read again after a 412: all of it within the
 * caller's one deadline. A slow hub makes the write outlast it; the write sent then must not get
 * the whole deadline again, and nothing may be read or written once it has passed, so the update
 * never lands after the caller was told DEADLINE_EXCEEDED.
 */
class UpdateDeadlineTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    @AfterEach
    void clearFaults() {
        gateway.hub().faults().clearFaults();
    }

    private static long writes() {
        return gateway.hub().requestCounts().count(Operation.CREATE_OR_UPDATE_DEVICE);
    }

    private static UpdateDeviceRequest status(String id, DeviceStatus status) {
        return UpdateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id).setStatus(status))
                .setUpdateMask(FieldMask.newBuilder().addPaths("status")).build();
    }

    @Test
    void anUpdateWhoseWriteIsRefusedAfterTheDeadline_isNotReadAndWrittenAgain_afterTheCallerGaveUp() throws Exception {
        String id = TestGateway.uniqueId("late-update");
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
        // The read answers after 2 s; the write is held 3 s: past the 4 s deadline, though within
        // the whole 4 s the attempt began with (a second apart either way, for a loaded machine).
        gateway.hub().faults().add(new FaultSpec(OperationClass.REGISTRY, FaultKind.LATENCY, 2_000, null, null, null, null, 1));
        gateway.hub().faults().add(new FaultSpec(OperationClass.REGISTRY, FaultKind.LATENCY, 3_000, null, null, null, null, 1));
        long writesBefore = writes();

        try (AccessLogCapture log = AccessLogCapture.start(false)) {
            CompletableFuture<StatusRuntimeException> update = CompletableFuture.supplyAsync(() -> Statuses.failureOf(() ->
                    gateway.registry().withDeadlineAfter(4, TimeUnit.SECONDS).updateDevice(status(id, DeviceStatus.DEVICE_STATUS_ENABLED))));
            // While its write is held, another writer changes the device: that write will meet a 412.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> writes() > writesBefore);
            gateway.registry().updateDevice(status(id, DeviceStatus.DEVICE_STATUS_DISABLED));

            assertThat(update.get(30, TimeUnit.SECONDS).getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            // The gateway's handler is done with the call once its access line is written (the
            // caller's cancellation at its deadline, or the deadline itself: either way not OK).
            log.awaitAccessLine(line -> line.contains("RegistryService/UpdateDevice") && !line.contains("UpdateDevice OK"),
                    Duration.ofSeconds(30));
        }

        assertThat(writes() - writesBefore).as("the held write and the other writer's; no second round").isEqualTo(2);
        assertThat(gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build()).getStatus())
                .as("the other writer's change stands").isEqualTo(DeviceStatus.DEVICE_STATUS_DISABLED);
    }
}
