package io.hubgate.server;

import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.hubgate.api.v1.CancelJobRequest;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.CreateJobRequest;
import io.hubgate.api.v1.CreateModuleRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.MethodServiceGrpc;
import io.hubgate.api.v1.Module;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.Twin;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.api.v1.TwinUpdate;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.emulator.devices.MethodBehaviour;
import io.hubgate.emulator.devices.SimulatedDevices.Target;
import io.hubgate.server.support.AccessLogCapture;
import io.hubgate.server.support.HostileRequests;
import io.hubgate.server.support.RawCalls;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of generated requests, valid in shape and hostile in value, for every RPC, plus raw
 * malformed request bytes over real HTTP/2 streams, from an authenticated caller through a real
 * gateway to its embedded emulator. Whatever comes in: no UNKNOWN and no INTERNAL answer, the
 * gateway still SERVING, a canary device untouched, and every call in the access log exactly once.
 *
 * <p>Seeded: a failure prints the seed and each failing input. Runs {@value #DEFAULT_REQUESTS}
 * requests by default (well under a minute); more, or a given seed, with
 * {@code -Dhubgate.fuzz.requests=200000 -Dhubgate.fuzz.seed=1234}.
 */
class HostileInputFuzzTest {

    static final int DEFAULT_REQUESTS = 10_000;
    /** One in this many requests goes out as raw malformed bytes instead of a message. */
    static final int MALFORMED_EVERY = 8;
    static final int CALLERS = 8;
    static final Duration CALL_DEADLINE = Duration.ofSeconds(20);
    /** A watch of a job that has not ended lasts until its deadline: keep that short. */
    static final Duration WATCH_DEADLINE = Duration.ofSeconds(2);

    private static final MethodBehaviour ECHO = new MethodBehaviour(200, null, Duration.ZERO, true, true);
    private static final Map<String, MethodDescriptor<?, ?>> METHODS = methods();

    private record Failure(int index, String input, Status status) {
    }

    @Test
    void hostileRequests_neverEndUnknownOrInternal_leaveTheCanaryAlone_andAreAllLogged() throws Exception {
        long seed = Long.getLong("hubgate.fuzz.seed", System.nanoTime());
        int count = Integer.getInteger("hubgate.fuzz.requests", DEFAULT_REQUESTS);
        System.out.println("HostileInputFuzzTest: seed " + seed + ", " + count + " requests (rerun with -Dhubgate.fuzz.seed=" + seed + ")");
        try (TestGateway gateway = TestGateway.start()) {
            String target = TestGateway.uniqueId("fuzz");
            String canary = TestGateway.uniqueId("canary");
            gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(target)).build());
            gateway.registry().createModule(CreateModuleRequest.newBuilder().setModule(Module.newBuilder()
                    .setDeviceId(target).setModuleId("m1")).build());
            List<String> methodNames = List.of("reboot", "echo", "Start_Now");
            for (Target each : List.of(new Target(target, null), new Target(target, "m1"))) {
                gateway.hub().devices().setConnected(each, true);
                methodNames.forEach(name -> gateway.hub().devices().onMethod(each, name, ECHO));
            }
            gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(canary)).build());
            Twin canaryBefore = gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(canary)
                    .setTags(Struct.newBuilder().putFields("role", Value.newBuilder().setStringValue("canary").build())).build());
            Device canaryDevice = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(canary).build());

            JobServiceGrpc.JobServiceBlockingStub jobs = JobServiceGrpc.newBlockingStub(gateway.channel());
            Job ended = jobs.createJob(CreateJobRequest.newBuilder().setJob(Job.newBuilder()
                    .setQueryCondition("deviceId = '" + target + "'").setStartTime(com.google.protobuf.Timestamp.newBuilder()
                            .setSeconds(java.time.Instant.now().plusSeconds(3600).getEpochSecond()))
                    .setTwinUpdate(TwinUpdate.newBuilder().setTags(Struct.newBuilder().putFields("fuzz",
                            Value.newBuilder().setStringValue("job").build())))).build());
            jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(ended.getJobId()).build());

            HostileRequests generator = new HostileRequests(seed, target, "m1", methodNames, canary, false, ended.getJobId());
            List<HostileRequests.Request> requests = new ArrayList<>(count);
            List<byte[]> malformed = new ArrayList<>(Collections.nCopies(count, null));
            for (int i = 0; i < count; i++) {
                HostileRequests.Request request = generator.next();
                requests.add(request);
                if (i % MALFORMED_EVERY == MALFORMED_EVERY - 1) {
                    malformed.set(i, generator.malformed(request.message()));
                }
            }

            List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
            Map<Status.Code, AtomicInteger> outcomes = new ConcurrentHashMap<>();
            String prefix = "fz" + Long.toHexString(seed) + "-";
            long start = System.nanoTime();
            try (AccessLogCapture log = AccessLogCapture.start(false)) {
                ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    int index = i;
                    done.add(callers.submit(() -> {
                        Channel channel = ClientInterceptors.intercept(gateway.channel(),
                                TestGateway.header("x-request-id", prefix + index));
                        HostileRequests.Request request = requests.get(index);
                        byte[] raw = malformed.get(index);
                        Status status = raw != null
                                ? RawCalls.call(channel, "hubgate.v1." + request.method(), raw).status()
                                : call(channel, request);
                        outcomes.computeIfAbsent(status.getCode(), c -> new AtomicInteger()).incrementAndGet();
                        if (status.getCode() == Status.Code.UNKNOWN || status.getCode() == Status.Code.INTERNAL) {
                            failures.add(new Failure(index, raw != null ? "raw bytes to " + request.method() + ": "
                                    + java.util.HexFormat.of().formatHex(raw, 0, Math.min(raw.length, 64)) : request.toString(), status));
                        }
                    }));
                }
                for (Future<?> each : done) {
                    each.get(5, TimeUnit.MINUTES);
                }
                callers.shutdown();
                System.out.printf("HostileInputFuzzTest: %d requests in %.1f s; outcomes %s%n", count,
                        (System.nanoTime() - start) / 1e9, new TreeMap<>(outcomes));

                assertThat(failures).as("UNKNOWN or INTERNAL answers (seed %d): %s", seed, describe(failures)).isEmpty();
                assertEveryCallLoggedOnce(log, prefix, count, seed);
            }
            assertThat(HealthGrpc.newBlockingStub(gateway.channel()).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                    .as("still serving after the run (seed %d)", seed).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            Twin canaryAfter = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(canary).build());
            assertThat(canaryAfter.getEtag()).as("canary twin etag (seed %d)", seed).isEqualTo(canaryBefore.getEtag());
            assertThat(canaryAfter.getTags()).isEqualTo(canaryBefore.getTags());
            assertThat(canaryAfter.getDesired().getProperties()).isEqualTo(canaryBefore.getDesired().getProperties());
            assertThat(gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(canary).build()).getEtag())
                    .as("canary device etag (seed %d)", seed).isEqualTo(canaryDevice.getEtag());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Status call(Channel channel, HostileRequests.Request request) {
        MethodDescriptor method = METHODS.get(request.method());
        Duration deadline = request.method().equals("JobService/WatchJob") ? WATCH_DEADLINE : CALL_DEADLINE;
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
                Iterator<?> results = ClientCalls.blockingServerStreamingCall(channel, method, options, request.message());
                while (results.hasNext()) {
                    results.next();
                }
            } else {
                ClientCalls.blockingUnaryCall(channel, method, options, request.message());
            }
            return Status.OK;
        } catch (StatusRuntimeException failure) {
            return failure.getStatus();
        }
    }

    private static void assertEveryCallLoggedOnce(AccessLogCapture log, String prefix, int count, long seed) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, Integer> seen = new HashMap<>();
        while (true) {
            seen.clear();
            for (String line : log.accessLines()) {
                if (line.startsWith(prefix)) {
                    seen.merge(line.substring(0, line.indexOf(' ')), 1, Integer::sum);
                }
            }
            if (seen.size() >= count || System.nanoTime() > end) {
                break;
            }
            Thread.onSpinWait();
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < count && missing.size() < 20; i++) {
            if (!seen.containsKey(prefix + i)) {
                missing.add(i);
            }
        }
        assertThat(missing).as("requests missing from the access log (seed %d)", seed).isEmpty();
        assertThat(seen.values()).as("every request logged exactly once (seed %d)", seed).allMatch(n -> n == 1);
    }

    private static String describe(List<Failure> failures) {
        StringBuilder text = new StringBuilder(failures.size() + " failures");
        failures.stream().limit(20).forEach(f -> text.append("\n  #").append(f.index()).append(' ').append(f.status())
                .append("\n    input: ").append(f.input().length() > 600 ? f.input().substring(0, 600) + "…" : f.input()));
        return text.toString();
    }

    private static Map<String, MethodDescriptor<?, ?>> methods() {
        Map<String, MethodDescriptor<?, ?>> methods = new HashMap<>();
        for (ServiceDescriptor service : List.of(RegistryServiceGrpc.getServiceDescriptor(), TwinServiceGrpc.getServiceDescriptor(),
                MethodServiceGrpc.getServiceDescriptor(), JobServiceGrpc.getServiceDescriptor())) {
            for (MethodDescriptor<?, ?> method : service.getMethods()) {
                methods.put(method.getFullMethodName().substring("hubgate.v1.".length()), method);
            }
        }
        return methods;
    }

    @SuppressWarnings("unused")
    private static Message unused() {
        return null;
    }
}
