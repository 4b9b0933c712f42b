package io.hubgate.server;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.hubgate.api.v1.AuthenticationType;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.ReplaceTwinRequest;
import io.hubgate.api.v1.Twin;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.api.v1.X509Thumbprints;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lost answer while the hub is still working: the connection to IoT Hub is reset, the
 * gateway's read finds the old state, it sends the request again, and only then does the first
 * copy take effect, so the copy sent again meets the change its first copy made. The emulator's
 * {@code dropAfter} with a latency closes the connection first and applies the request later; a
 * latency rule holds the copy sent again until the first has landed.
 */
class SlowHubLostAnswerTest {

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    @AfterEach
    void clearFaults() {
        gateway.hub().faults().clearFaults();
    }

    private static String device(String prefix) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
        return id;
    }

    /** The next write of the class is applied 300 ms after its connection closed; the one after waits 2 s. */
    private static void slowHubLosesTheNextAnswer(OperationClass operationClass) {
        gateway.hub().faults().add(new FaultSpec(operationClass, FaultKind.DROP_AFTER, 300, null, null, null, null, 1));
        gateway.hub().faults().add(new FaultSpec(operationClass, FaultKind.LATENCY, 2_000, null, null, null, null, 1));
    }

    private static Struct struct(String key, double value) {
        return Struct.newBuilder().putFields(key, Value.newBuilder().setNumberValue(value).build()).build();
    }

    @Test
    void aConditionalUpdateTwin_appliedLateAfterItsAnswerWasLost_answersOk_notAborted_andIsAppliedOnce() {
        String id = device("slow-patch");
        Twin before = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        slowHubLosesTheNextAnswer(OperationClass.TWIN_WRITE);

        Twin answered = gateway.twins().withDeadlineAfter(30, TimeUnit.SECONDS).updateTwin(UpdateTwinRequest.newBuilder()
                .setDeviceId(id).setEtag(before.getEtag()).setDesired(struct("n", 313)).build());

        assertThat(answered.getDesired().getProperties()).isEqualTo(struct("n", 313));
        Twin after = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        assertThat(after.getVersion()).as("applied exactly once").isEqualTo(before.getVersion() + 1);
        assertThat(after.getEtag()).isEqualTo(answered.getEtag());
    }

    @Test
    void aConditionalReplaceTwin_appliedLateAfterItsAnswerWasLost_answersOk_notAborted() {
        String id = device("slow-replace");
        Twin before = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        slowHubLosesTheNextAnswer(OperationClass.TWIN_WRITE);

        Twin answered = gateway.twins().withDeadlineAfter(30, TimeUnit.SECONDS).replaceTwin(ReplaceTwinRequest.newBuilder()
                .setDeviceId(id).setEtag(before.getEtag()).setDesired(struct("n", 314)).build());

        assertThat(answered.getDesired().getProperties()).isEqualTo(struct("n", 314));
        Twin after = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        assertThat(after.getDesired().getProperties()).isEqualTo(struct("n", 314));
    }

    @Test
    void aConditionalReplaceTwinWithANullValue_whoseAnswerWasLostAfterItLanded_answersOk_notOutcomeUnknown() {
        String id = device("lost-replace-null");
        Twin before = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        gateway.hub().faults().add(new FaultSpec(OperationClass.TWIN_WRITE, FaultKind.DROP_AFTER, 0, null, null, null, null, 1));
        Struct replacement = struct("n", 315).toBuilder()
                .putFields("gone", Value.newBuilder().setNullValue(com.google.protobuf.NullValue.NULL_VALUE).build()).build();

        Twin answered = gateway.twins().withDeadlineAfter(30, TimeUnit.SECONDS).replaceTwin(ReplaceTwinRequest.newBuilder()
                .setDeviceId(id).setEtag(before.getEtag()).setDesired(replacement).build());

        assertThat(answered.getDesired().getProperties()).isEqualTo(struct("n", 315));
    }

    @Test
    void anUnconditionalUpdateTwin_appliedLateAfterItsAnswerWasLost_isOutcomeUnknown_andAppliedOnce() throws Exception {
        String id = device("slow-merge");
        Twin before = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        slowHubLosesTheNextAnswer(OperationClass.TWIN_WRITE);

        io.grpc.StatusRuntimeException failure = io.hubgate.server.support.Statuses.failureOf(() -> gateway.twins()
                .withDeadlineAfter(30, TimeUnit.SECONDS).updateTwin(UpdateTwinRequest.newBuilder()
                        .setDeviceId(id).setDesired(struct("n", 315)).build()));

        assertThat(io.hubgate.server.support.Statuses.errorInfo(failure).getReason())
                .isEqualTo(io.hubgate.server.hub.HubErrorMapper.OUTCOME_UNKNOWN);
        // The call has answered, so any copy it sent has been answered too; the first lands 300 ms after the drop.
        Twin after = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build()),
                        twin -> twin.getVersion() > before.getVersion());
        assertThat(after.getDesired().getProperties()).isEqualTo(struct("n", 315));
        assertThat(after.getVersion()).as("the late first copy only; nothing sent again").isEqualTo(before.getVersion() + 1);
    }

    @Test
    void anX509CreateWhoseAnswerIsLost_answersTheCreatedDevice_byItsThumbprints() {
        String id = "lost-x509-" + UUID.randomUUID().toString().substring(0, 8);
        X509Thumbprints thumbprints = X509Thumbprints.newBuilder().setPrimaryThumbprint("AB".repeat(20))
                .setSecondaryThumbprint("CD".repeat(20)).build();
        gateway.hub().faults().add(new FaultSpec(OperationClass.REGISTRY, FaultKind.DROP_AFTER, 0, null, null, null, null, 1));

        Device created = gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder()
                .setDeviceId(id).setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED)
                .setX509Thumbprints(thumbprints)).build());

        assertThat(created.getDeviceId()).isEqualTo(id);
        assertThat(created.getX509Thumbprints()).isEqualTo(thumbprints);
    }
}
