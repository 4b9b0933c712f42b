package io.hubgate.server;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Durations;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetJobRequest;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.InvokeMethodRequest;
import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.ListDevicesRequest;
import io.hubgate.api.v1.QueryTwinsRequest;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultRule;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.Operation;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.server.hub.HubErrorMapper;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static io.hubgate.server.support.Statuses.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway never sends a throttled request again sooner than IoT Hub asked. Where it can read
 * {@code Retry-After} (the controlled path: twins, queries, identities) it waits at least that
 * long and hands the hub's value on in RetryInfo; where it cannot (the SDK: direct methods, jobs,
 * statistics) it does not retry at all and suggests its conservative delay. Requests are counted
 * at the emulator.
 */
class ThrottleRetryAfterTest {

    /** Far longer than any call here may wait. */
    private static final int HOUR = 3600;

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    @AfterEach
    void clearFaults() {
        gateway.hub().faults().clearFaults();
    }

    private static FaultRule throttleAlways(OperationClass operationClass, int retryAfterSeconds) {
        return gateway.hub().faults().add(new FaultSpec(operationClass, FaultKind.THROTTLE, 0, HubErrorCode.THROTTLING_EXCEPTION,
                retryAfterSeconds, 1.0, null, null));
    }

    private static long requests(Operation operation) {
        return gateway.hub().requestCounts().count(operation);
    }

    private static String newDevice() {
        String id = TestGateway.uniqueId("thr");
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
        return id;
    }

    private static void assertThrottled(StatusRuntimeException failure, long retryDelaySeconds) {
        assertThat(failure.getStatus().getCode()).as(failure.getStatus().toString()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo("ThrottlingException");
        assertThat(Durations.toSeconds(Statuses.retryInfo(failure).getRetryDelay())).isEqualTo(retryDelaySeconds);
    }

    @Test
    void invokeMethod_throttledThroughTheSdk_isSentOnce_andSuggestsTheConservativeDelay() {
        String id = newDevice();
        throttleAlways(OperationClass.METHODS, HOUR);
        long before = requests(Operation.INVOKE_METHOD);

        StatusRuntimeException failure = failureOf(() -> gateway.methods().withDeadlineAfter(20, TimeUnit.SECONDS)
                .invokeMethod(InvokeMethodRequest.newBuilder().setDeviceId(id).setMethodName("reboot").build()));

        assertThrottled(failure, HubErrorMapper.SDK_THROTTLE_RETRY_DELAY.toSeconds());
        assertThat(requests(Operation.INVOKE_METHOD) - before).as("not resent without the hub's Retry-After").isEqualTo(1);
    }

    @Test
    void getJob_throttledThroughTheSdk_isSentOnce_andSuggestsTheConservativeDelay() {
        throttleAlways(OperationClass.JOBS, HOUR);
        long before = requests(Operation.GET_JOB);

        StatusRuntimeException failure = failureOf(() -> JobServiceGrpc.newBlockingStub(gateway.channel())
                .withDeadlineAfter(20, TimeUnit.SECONDS).getJob(GetJobRequest.newBuilder().setJobId("throttled-job").build()));

        assertThrottled(failure, HubErrorMapper.SDK_THROTTLE_RETRY_DELAY.toSeconds());
        assertThat(requests(Operation.GET_JOB) - before).isEqualTo(1);
    }

    @Test
    void getTwin_throttledForLongerThanTheDeadline_isSentOnce_andCarriesTheHubsRetryAfter() {
        String id = newDevice();
        throttleAlways(OperationClass.TWIN_READ, HOUR);
        long before = requests(Operation.GET_TWIN);

        StatusRuntimeException failure = failureOf(() -> gateway.twins().withDeadlineAfter(20, TimeUnit.SECONDS)
                .getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build()));

        assertThrottled(failure, HOUR);
        assertThat(requests(Operation.GET_TWIN) - before).isEqualTo(1);
    }

    @Test
    void updateTwin_throttledForLongerThanTheDeadline_isSentOnce_andCarriesTheHubsRetryAfter() {
        String id = newDevice();
        throttleAlways(OperationClass.TWIN_WRITE, HOUR);
        long before = requests(Operation.UPDATE_TWIN);

        StatusRuntimeException failure = failureOf(() -> gateway.twins().withDeadlineAfter(20, TimeUnit.SECONDS)
                .updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id).setDesired(Struct.newBuilder()
                        .putFields("mode", Value.newBuilder().setStringValue("eco").build())).build()));

        assertThrottled(failure, HOUR);
        assertThat(requests(Operation.UPDATE_TWIN) - before).isEqualTo(1);
    }

    @Test
    void queries_throttledForLongerThanTheDeadline_areSentOnce_andCarryTheHubsRetryAfter() {
        throttleAlways(OperationClass.QUERY, HOUR);
        long before = requests(Operation.QUERY_TWINS);

        StatusRuntimeException query = failureOf(() -> gateway.twins().withDeadlineAfter(20, TimeUnit.SECONDS)
                .queryTwins(QueryTwinsRequest.newBuilder().setQuery("SELECT * FROM devices").build()));
        StatusRuntimeException list = failureOf(() -> gateway.registry().withDeadlineAfter(20, TimeUnit.SECONDS)
                .listDevices(ListDevicesRequest.newBuilder().build()));

        assertThrottled(query, HOUR);
        assertThrottled(list, HOUR);
        assertThat(requests(Operation.QUERY_TWINS) - before).isEqualTo(2);
    }

    @Test
    void getTwin_throttledTwiceBriefly_waitsOutTheHubsRetryAfter_andSucceeds() {
        String id = newDevice();
        FaultRule throttle = gateway.hub().faults().add(new FaultSpec(OperationClass.TWIN_READ, FaultKind.THROTTLE, 0,
                HubErrorCode.THROTTLING_EXCEPTION, 1, null, null, 2));
        long before = requests(Operation.GET_TWIN);

        var twin = gateway.twins().withDeadlineAfter(20, TimeUnit.SECONDS).getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());

        assertThat(twin.getDeviceId()).isEqualTo(id);
        assertThat(throttle.fired()).isEqualTo(2);
        assertThat(requests(Operation.GET_TWIN) - before).isEqualTo(3);
    }
}
