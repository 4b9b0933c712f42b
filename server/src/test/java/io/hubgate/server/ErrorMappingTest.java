package io.hubgate.server;

import com.google.protobuf.util.Durations;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultRule;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.server.embedded.EmbeddedHub;
import io.hubgate.server.hub.RetryPolicy;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.hubgate.server.support.Statuses.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * IoT Hub failures as a caller sees them, each produced for real by the emulator (its fault
 * injector, its RBAC) and carried through the whole chain: stub → gateway → SDK → emulator and
 * back through the one error mapper. Also what the gateway does on its own: retries, deadlines,
 * its capacity limit.
 */
class ErrorMappingTest {

    /** Long enough that nothing but the injected fault can make a call fail. */
    private static final long GENEROUS_DEADLINE_SECONDS = 60;

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    @AfterEach
    void clearFaults() {
        gateway.hub().faults().clearFaults();
    }

    private static FaultRule registryFault(FaultKind kind, long latencyMs, HubErrorCode code, Double rate, Integer count) {
        return gateway.hub().faults().add(new FaultSpec(OperationClass.REGISTRY, kind, latencyMs, code, null, rate, null, count));
    }

    private static RegistryServiceGrpc.RegistryServiceBlockingStub registry(TestGateway on) {
        return on.registry().withDeadlineAfter(GENEROUS_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private static String existingDevice() {
        String id = TestGateway.uniqueId("err");
        registry(gateway).createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
        return id;
    }

    private static Device get(TestGateway on, String id) {
        return registry(on).getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build());
    }

    private static Device create(String id) {
        return registry(gateway).createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
    }

    @Test
    void throttlingThatOutlastsTheRetries_isResourceExhausted_withThrottlingExceptionAndRetryInfo() {
        String id = existingDevice();
        FaultRule throttle = registryFault(FaultKind.THROTTLE, 0, HubErrorCode.THROTTLING_EXCEPTION, null, 10);

        StatusRuntimeException failure = failureOf(() -> get(gateway, id));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo("ThrottlingException");
        assertThat(Statuses.errorInfo(failure).getMetadataMap()).containsEntry("iotHubErrorCode", "429001");
        assertThat(Statuses.retryInfo(failure)).isNotNull();
        assertThat(Durations.toMillis(Statuses.retryInfo(failure).getRetryDelay())).isPositive();
        assertThat(throttle.fired()).as("every attempt the retry policy allows was made").isEqualTo(RetryPolicy.MAX_ATTEMPTS);
    }

    @Test
    void throttlingOnEveryRequest_failsACreate_andCreatesNothing() {
        String id = TestGateway.uniqueId("thr");
        registryFault(FaultKind.THROTTLE, 0, HubErrorCode.THROTTLING_EXCEPTION, 1.0, null);

        StatusRuntimeException failure = failureOf(() -> create(id));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo("ThrottlingException");
        assertThat(Statuses.retryInfo(failure)).isNotNull();
        assertThat(gateway.hub().store().get(id)).isNull();
    }

    @Test
    void throttlingOfTwoRequests_isRetriedAway() {
        String id = existingDevice();
        FaultRule throttle = registryFault(FaultKind.THROTTLE, 0, HubErrorCode.THROTTLING_EXCEPTION, null, 2);

        Device device = get(gateway, id);

        assertThat(device.getDeviceId()).isEqualTo(id);
        assertThat(throttle.fired()).isEqualTo(2);
        assertThat(throttle.remaining()).isZero();
        assertThat(gateway.hub().faults().rules()).as("a spent rule leaves the listing").doesNotContain(throttle);
    }

    @Test
    void a503OnARead_isRetried_andTheReadSucceeds() {
        String id = existingDevice();
        FaultRule unavailable = registryFault(FaultKind.ERROR, 0, HubErrorCode.SERVICE_UNAVAILABLE, null, 1);

        Device device = get(gateway, id);

        assertThat(device.getDeviceId()).isEqualTo(id);
        assertThat(unavailable.fired()).isEqualTo(1);
    }

    @Test
    void a503OnACreate_isNotRetried_andIsUnavailable() {
        String id = TestGateway.uniqueId("c503");
        FaultRule unavailable = registryFault(FaultKind.ERROR, 0, HubErrorCode.SERVICE_UNAVAILABLE, null, 1);
        FaultRule countsFurtherRequests = registryFault(FaultKind.LATENCY, 0, null, 1.0, null);

        StatusRuntimeException failure = failureOf(() -> create(id));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(failure.getStatus().getDescription()).isEqualTo("The service is unavailable (injected fault)");
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo("ServiceUnavailable");
        assertThat(Statuses.errorInfo(failure).getMetadataMap()).containsEntry("iotHubErrorCode", "503001");
        assertThat(unavailable.fired()).isEqualTo(1);
        assertThat(countsFurtherRequests.fired()).as("no second attempt").isZero();
        assertThat(gateway.hub().store().get(id)).isNull();
    }

    @Test
    void a429OnACreate_isRetried_andTheDeviceIsCreatedOnce() {
        String id = TestGateway.uniqueId("c429");
        FaultRule throttle = registryFault(FaultKind.THROTTLE, 0, HubErrorCode.THROTTLING_EXCEPTION, null, 1);

        Device created = create(id);

        assertThat(created.getDeviceId()).isEqualTo(id);
        assertThat(throttle.fired()).isEqualTo(1);
        assertThat(gateway.hub().store().get(id)).isNotNull();
    }

    @Test
    void upstream401_isInternal_blamingTheGatewaysIdentity_withoutAnyTokenOrSecret() throws Exception {
        String id = existingDevice();
        String secret = gateway.hub().coordinates().entra().application(DefaultDirectory.NO_ROLE).secret();
        try (TestGateway roleless = gateway.sibling(DefaultDirectory.NO_ROLE, 4, 100)) {

            StatusRuntimeException failure = failureOf(() -> get(roleless, id));

            assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo("IotHubUnauthorized");
            assertThat(Statuses.errorInfo(failure).getMetadataMap()).containsEntry("iotHubErrorCode", "401003");
            String message = failure.getStatus().getDescription();
            assertThat(message).contains("gateway's own hub credential (Entra credential").contains("data-plane role");
            assertThat(message).doesNotContain(secret).doesNotContain("eyJ").doesNotContainIgnoringCase("bearer")
                    .doesNotContain("SharedAccessSignature");
            assertThat(failure.toString()).doesNotContain(secret).doesNotContain("eyJ");
        }
        assertThat(get(gateway, id).getDeviceId()).as("the gateway with the role still works").isEqualTo(id);
    }

    @Test
    void injectedLatencyBeyondTheDeadline_isDeadlineExceeded() {
        String id = existingDevice();
        registryFault(FaultKind.LATENCY, 3000, null, null, 1);

        StatusRuntimeException failure = failureOf(() -> gateway.registry().withDeadlineAfter(1, TimeUnit.SECONDS)
                .getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    }

    @Test
    void aCallWhoseDeadlinePassesWhileItWaits_neverReachesTheHub() throws Exception {
        String busy = existingDevice();
        String never = TestGateway.uniqueId("late");
        try (TestGateway small = gateway.sibling(EmbeddedHub.GATEWAY_APP, 1, 1)) {
            get(small, busy); // fetches the sibling's token before any fault
            FaultRule slow = registryFault(FaultKind.LATENCY, 3000, null, null, 1);
            FaultRule countsFurtherRequests = registryFault(FaultKind.LATENCY, 0, null, 1.0, null);
            CompletableFuture<Device> occupying = unary(small, observer -> RegistryServiceGrpc.newStub(small.channel())
                    .withDeadlineAfter(GENEROUS_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .getDevice(GetDeviceRequest.newBuilder().setDeviceId(busy).build(), observer));
            awaitFired(slow);

            StatusRuntimeException failure = failureOf(() -> small.registry().withDeadlineAfter(1, TimeUnit.SECONDS)
                    .createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(never)).build()));

            assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(occupying.get(GENEROUS_DEADLINE_SECONDS, TimeUnit.SECONDS).getDeviceId()).isEqualTo(busy);
            assertThat(get(small, busy).getDeviceId()).as("the slot is free again").isEqualTo(busy);
            assertThat(countsFurtherRequests.fired()).as("only the last read reached the hub").isEqualTo(1);
            assertThat(gateway.hub().store().get(never)).isNull();
        }
    }

    @Test
    void beyondCapacity_callsAreRefusedAtOnceWithResourceExhausted_andNoneHangs() throws Exception {
        String id = existingDevice();
        try (TestGateway small = gateway.sibling(EmbeddedHub.GATEWAY_APP, 1, 1)) {
            get(small, id); // fetches the sibling's token before any fault
            registryFault(FaultKind.LATENCY, 2000, null, 1.0, null);
            RegistryServiceGrpc.RegistryServiceStub stub = RegistryServiceGrpc.newStub(small.channel());
            List<CompletableFuture<Device>> calls = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                calls.add(unary(small, observer -> stub.withDeadlineAfter(GENEROUS_DEADLINE_SECONDS, TimeUnit.SECONDS)
                        .getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build(), observer)));
            }

            List<Status> refusals = new ArrayList<>();
            int succeeded = 0;
            for (CompletableFuture<Device> call : calls) {
                try {
                    assertThat(call.get(GENEROUS_DEADLINE_SECONDS, TimeUnit.SECONDS).getDeviceId()).isEqualTo(id);
                    succeeded++;
                } catch (java.util.concurrent.ExecutionException failed) {
                    refusals.add(Status.fromThrowable(failed.getCause()));
                }
            }

            assertThat(refusals).isNotEmpty().allSatisfy(status -> {
                assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(status.getDescription()).contains("at capacity");
            });
            assertThat(succeeded).as("one running and one queued call at least").isGreaterThanOrEqualTo(2);
            assertThat(succeeded + refusals.size()).isEqualTo(5);
        }
    }

    /** Starts a unary call on an async stub and returns its outcome. */
    private static <T> CompletableFuture<T> unary(TestGateway on, java.util.function.Consumer<StreamObserver<T>> start) {
        CompletableFuture<T> outcome = new CompletableFuture<>();
        start.accept(new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                outcome.complete(value);
            }

            @Override
            public void onError(Throwable failure) {
                outcome.completeExceptionally(failure);
            }

            @Override
            public void onCompleted() {
                outcome.complete(null);
            }
        });
        return outcome;
    }

    /** Waits until the rule has fired once, i.e. a request is being held by it. */
    private static void awaitFired(FaultRule rule) {
        await("the slow request reached the hub").atMost(Duration.ofSeconds(30)).until(() -> rule.fired() > 0);
        assertThat(rule.fired()).as("the slow request reached the hub once").isEqualTo(1);
    }
}
