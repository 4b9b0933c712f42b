package io.hubgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.Twin;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultRule;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A gateway sent several times more concurrent calls than its bounded handler pool
 * ({@code maxConcurrentCalls + SPARE_HANDLER_THREADS}) holds, against a slow hub: every call
 * ends — OK, or RESOURCE_EXHAUSTED with a RetryInfo saying when to come back — and the JVM's
 * thread count stays within the pool's bound. The assertions are on counts and bounds, never on
 * how long anything took; the generous deadline only turns a hang into a failure.
 *
 * <p>What it does not show: that the pool is bounded by construction. A refused call frees its
 * handler thread at once, so even grpc-java's unbounded default executor stayed within this bound
 * here (22 threads for 180 calls); {@code ServerSurfaceTest} pins the pool's size.
 */
class OverloadTest {

    private static final int MAX_CONCURRENT_CALLS = 2;
    private static final int MAX_QUEUED_CALLS = 2;
    /** Ten times what the handler pool can hold at once. */
    private static final int CALLS = 10 * (MAX_CONCURRENT_CALLS + GatewayServer.SPARE_HANDLER_THREADS);
    /**
     * Threads the JVM may add beyond the handler pool and the upstream workers while the calls
     * run: transport event loops, the emulator's threads for the few upstream calls admitted (4
     * seen), grpc-java's own helpers (up to 7 seen). An unbounded handler executor adds one
     * thread per call that arrives while all are busy (over 40 more seen with a cached pool).
     */
    private static final int OTHER_THREADS = 16;

    @Test
    void moreCallsThanTheHandlerPool_areServedOrRefusedWithRetryInfo_nothingHangs_andThreadsStayBounded() throws Exception {
        try (TestGateway hub = TestGateway.start();
             TestGateway small = hub.sibling(DefaultDirectory.GATEWAY, MAX_CONCURRENT_CALLS, MAX_QUEUED_CALLS)) {
            String deviceId = TestGateway.uniqueId("overload");
            hub.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(deviceId)).build());
            // Answers are handled on the transport's thread: a client executor would add threads of its own.
            TwinServiceGrpc.TwinServiceStub stub = TwinServiceGrpc.newStub(small.channelWith(TestGateway.bearer(
                    hub.callerToken("overload", TestGateway.ALL_ROLES)))).withExecutor(Runnable::run);
            GetTwinRequest request = GetTwinRequest.newBuilder().setDeviceId(deviceId).build();
            // A warm gateway: its token, its upstream connection and its transports exist before the baseline.
            TwinServiceGrpc.newBlockingStub(stub.getChannel()).withDeadlineAfter(30, TimeUnit.SECONDS).getTwin(request);

            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            int baseline = threads.getThreadCount();
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            threads.resetPeakThreadCount();
            FaultRule slow = hub.hub().faults().add(new FaultSpec(OperationClass.TWIN_READ, FaultKind.LATENCY, 1_000,
                    null, null, 1.0, null, null));
            List<CompletableFuture<Status>> outcomes = new ArrayList<>();
            try {
                for (int i = 0; i < CALLS; i++) {
                    outcomes.add(call(stub.withDeadlineAfter(60, TimeUnit.SECONDS), request));
                }
                CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            } finally {
                hub.hub().faults().remove(slow.id());
            }
            int peak = threads.getPeakThreadCount();
            // Which threads were added (those still alive), for the failure message and the log.
            Map<String, Long> added = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                    .collect(Collectors.groupingBy(t -> t.getName().replaceAll("[0-9]+", "N"), TreeMap::new, Collectors.counting()));
            String threadsSeen = String.format("%d calls: %d threads before, %d at the peak; added %s", CALLS, baseline, peak, added);
            System.out.println("OverloadTest: " + threadsSeen);

            Map<Status.Code, Integer> codes = new EnumMap<>(Status.Code.class);
            outcomes.forEach(outcome -> codes.merge(outcome.join().getCode(), 1, Integer::sum));
            assertThat(codes.keySet()).as("outcomes " + codes).containsOnly(Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED);
            assertThat(codes).as("some served, the excess refused: " + codes)
                    .containsKeys(Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED);
            int pool = MAX_CONCURRENT_CALLS + GatewayServer.SPARE_HANDLER_THREADS;
            assertThat(peak - baseline).as(threadsSeen)
                    .isLessThanOrEqualTo(pool + MAX_CONCURRENT_CALLS + OTHER_THREADS);
        }
    }

    /** One asynchronous GetTwin; its status, after checking that a refusal says when to retry. */
    private static CompletableFuture<Status> call(TwinServiceGrpc.TwinServiceStub stub, GetTwinRequest request) {
        CompletableFuture<Status> outcome = new CompletableFuture<>();
        stub.getTwin(request, new StreamObserver<>() {
            @Override
            public void onNext(Twin twin) {
            }

            @Override
            public void onError(Throwable t) {
                Status status = Status.fromThrowable(t);
                if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                    RetryInfo retry = Statuses.retryInfo((StatusRuntimeException) t);
                    if (retry == null || retry.getRetryDelay().getSeconds() <= 0 && retry.getRetryDelay().getNanos() <= 0) {
                        status = Status.INTERNAL.withDescription("a capacity refusal without a positive RetryInfo: " + t);
                    }
                }
                outcome.complete(status);
            }

            @Override
            public void onCompleted() {
                outcome.complete(Status.OK);
            }
        });
        return outcome;
    }
}
