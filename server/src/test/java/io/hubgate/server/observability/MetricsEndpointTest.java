package io.hubgate.server.observability;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.Twin;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.server.Gateway;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.config.OperationsSettings;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * --metrics-port: Prometheus text scraped over HTTP from a real gateway on its embedded emulator.
 * The gRFC A66 {@code grpc.server.call.*} series and the gateway's own (upstream attempts by
 * operation, path and outcome; throttling, Retry-After and retries; slots, queue and capacity
 * refusals; the hub token; the JWKS; caller-auth refusals) are present and move with the calls,
 * and no caller-chosen value (a device id) is in any label.
 */
class MetricsEndpointTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void metricsPort_servesGrpcServerSeriesThatMoveWithCalls() throws Exception {
        int metricsPort = freePort();
        try (TestGateway gateway = TestGateway.of(Gateway.start(GatewayConfig.localDevelopment(0),
                new OperationsSettings(null, metricsPort, null)))) {
            String deviceId = TestGateway.uniqueId("metrics-secret-id");
            gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(deviceId)).build());
            gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(deviceId).build());
            assertThatThrownBy(() -> gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(deviceId + "-absent").build()))
                    .isInstanceOf(StatusRuntimeException.class);

            String first = scrape(metricsPort);
            assertThat(first).contains("# TYPE grpc_server_call_duration_seconds histogram", "grpc_server_call_started_total",
                    "grpc_server_call_rcvd_total_compressed_message_size_bytes", "grpc_server_call_sent_total_compressed_message_size_bytes");
            assertThat(grpcCalls(first, "hubgate.v1.RegistryService/CreateDevice", "OK")).isEqualTo(1);
            assertThat(grpcCalls(first, "hubgate.v1.RegistryService/GetDevice", "OK")).isEqualTo(1);
            assertThat(grpcCalls(first, "hubgate.v1.RegistryService/GetDevice", "NOT_FOUND")).isEqualTo(1);
            assertThat(first).doesNotContain(deviceId);

            for (int i = 0; i < 3; i++) {
                gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(deviceId).build());
            }
            assertThat(grpcCalls(scrape(metricsPort), "hubgate.v1.RegistryService/GetDevice", "OK")).isEqualTo(4);
        }
    }

    @Test
    void upstreamSeries_byOperationPathAndOutcome_moveWithCalls_throttlingAndRetriesIncluded() throws Exception {
        int metricsPort = freePort();
        try (TestGateway gateway = TestGateway.of(Gateway.start(GatewayConfig.localDevelopment(0),
                new OperationsSettings(null, metricsPort, null)))) {
            String deviceId = TestGateway.uniqueId("upstream-secret-id");
            gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(deviceId)).build());
            gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(deviceId).build());
            // Registry statistics stay on the SDK (twins moved to the controlled path).
            gateway.registry().getRegistryStatistics(io.hubgate.api.v1.GetRegistryStatisticsRequest.getDefaultInstance());
            assertThatThrownBy(() -> gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(deviceId + "-absent").build()))
                    .isInstanceOf(StatusRuntimeException.class);

            String before = scrape(metricsPort);
            assertThat(before).contains("# TYPE hubgate_upstream_duration_seconds histogram",
                    "hubgate_upstream_slots_in_use", "hubgate_upstream_slots_limit", "hubgate_upstream_queue_depth",
                    "hubgate_upstream_queue_limit", "hubgate_hub_token_age_seconds", "hubgate_hub_token_remaining_seconds");
            assertThat(attempts(before, "CreateDevice", "controlled", "OK")).isEqualTo(1);
            assertThat(attempts(before, "GetTwin", "controlled", "OK")).isEqualTo(1);
            assertThat(attempts(before, "GetRegistryStatistics", "sdk", "OK")).isEqualTo(1);
            assertThat(attempts(before, "GetDevice", "controlled", "DeviceNotFound")).isEqualTo(1);
            assertThat(sum(before, "hubgate_hub_token_refreshes_total", Map.of("outcome", "ok"))).isGreaterThanOrEqualTo(1);
            assertThat(sum(before, "hubgate_hub_token_remaining_seconds", Map.of())).isPositive();
            assertThat(sum(before, "hubgate_jwks_refreshes_total", Map.of("outcome", "ok"))).isGreaterThanOrEqualTo(1);
            assertThat(sum(before, "hubgate_upstream_slots_limit", Map.of())).isEqualTo(GatewayConfig.DEFAULT_MAX_CONCURRENT_CALLS);
            assertThat(before).doesNotContain(deviceId);

            // IoT Hub throttles the next registry request once, asking for one second: the read is retried and succeeds.
            gateway.hub().faults().add(new FaultSpec(OperationClass.REGISTRY, FaultKind.THROTTLE, 0,
                    HubErrorCode.THROTTLING_EXCEPTION, 1, null, null, 1));
            gateway.registry().withDeadlineAfter(30, TimeUnit.SECONDS).getDevice(GetDeviceRequest.newBuilder().setDeviceId(deviceId).build());
            gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(deviceId).build());

            String after = scrape(metricsPort);
            assertThat(attempts(after, "GetDevice", "controlled", "ThrottlingException")).isEqualTo(1);
            assertThat(attempts(after, "GetDevice", "controlled", "OK")).isEqualTo(1);
            assertThat(attempts(after, "GetTwin", "controlled", "OK")).isEqualTo(2);
            assertThat(sum(after, "hubgate_upstream_throttled_total", Map.of("operation", "GetDevice", "path", "controlled")))
                    .isEqualTo(1);
            assertThat(sum(after, "hubgate_upstream_retries_total", Map.of("operation", "GetDevice", "outcome", "ThrottlingException")))
                    .isEqualTo(1);
            assertThat(sum(after, "hubgate_upstream_retry_after_seconds_count", Map.of("operation", "GetDevice"))).isEqualTo(1);
            assertThat(sum(after, "hubgate_upstream_retry_after_seconds_sum", Map.of("operation", "GetDevice"))).isEqualTo(1.0);
            assertThat(after).doesNotContain(deviceId);
        }
    }

    @Test
    void capacity_slotsQueueAndRefusals_andCallerAuthRefusalsByReason() throws Exception {
        int metricsPort = freePort();
        GatewayConfig base = GatewayConfig.localDevelopment(0);
        GatewayConfig oneSlot = new GatewayConfig(base.bindAddress(), 0, true, null, null, null, base.credential(), 1, 1,
                base.upstreamTimeout(), base.shutdownGrace(), base.auth(), base.accessPolicy());
        try (TestGateway gateway = TestGateway.of(Gateway.start(oneSlot, new OperationsSettings(null, metricsPort, null)))) {
            String deviceId = TestGateway.uniqueId("capacity");
            gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(deviceId)).build());

            // Two twin reads held by the hub for a while: one runs, one waits, and a third is refused.
            gateway.hub().faults().add(new FaultSpec(OperationClass.TWIN_READ, FaultKind.LATENCY, 3_000, null, null, null, null, 2));
            TwinServiceGrpc.TwinServiceFutureStub async = TwinServiceGrpc.newFutureStub(gateway.channel());
            List<com.google.common.util.concurrent.ListenableFuture<Twin>> held = new ArrayList<>();
            held.add(async.withDeadlineAfter(30, TimeUnit.SECONDS).getTwin(GetTwinRequest.newBuilder().setDeviceId(deviceId).build()));
            awaitMetrics(metricsPort, text -> sum(text, "hubgate_upstream_slots_in_use", Map.of()) == 1);
            held.add(async.withDeadlineAfter(30, TimeUnit.SECONDS).getTwin(GetTwinRequest.newBuilder().setDeviceId(deviceId).build()));
            awaitMetrics(metricsPort, text -> sum(text, "hubgate_upstream_queue_depth", Map.of()) == 1);
            StatusRuntimeException refused = Statuses.failureOf(() -> gateway.twins().withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getTwin(GetTwinRequest.newBuilder().setDeviceId(deviceId).build()));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            for (var call : held) {
                call.get(30, TimeUnit.SECONDS);
            }
            String drained = awaitMetrics(metricsPort, text -> sum(text, "hubgate_upstream_slots_in_use", Map.of()) == 0
                    && sum(text, "hubgate_upstream_queue_depth", Map.of()) == 0);
            assertThat(sum(drained, "hubgate_upstream_capacity_refusals_total", Map.of("operation", "GetTwin"))).isEqualTo(1);
            assertThat(sum(drained, "hubgate_upstream_queue_limit", Map.of())).isEqualTo(1);

            // Caller authentication and authorization refusals, by their ErrorInfo reason.
            RegistryServiceGrpc.RegistryServiceBlockingStub anonymous = RegistryServiceGrpc.newBlockingStub(gateway.channelWith());
            RegistryServiceGrpc.RegistryServiceBlockingStub reader = RegistryServiceGrpc.newBlockingStub(gateway.channelWith(
                    TestGateway.bearer(gateway.callerToken("metrics-reader", Set.of("Registry.Read")))));
            GetDeviceRequest get = GetDeviceRequest.newBuilder().setDeviceId(deviceId).build();
            assertThatThrownBy(() -> anonymous.getDevice(get)).isInstanceOf(StatusRuntimeException.class);
            assertThatThrownBy(() -> anonymous.getDevice(get)).isInstanceOf(StatusRuntimeException.class);
            assertThatThrownBy(() -> reader.deleteDevice(io.hubgate.api.v1.DeleteDeviceRequest.newBuilder().setDeviceId(deviceId).build()))
                    .isInstanceOf(StatusRuntimeException.class);
            String refusals = scrape(metricsPort);
            assertThat(sum(refusals, "hubgate_caller_auth_refusals_total", Map.of("reason", "CREDENTIALS_MISSING"))).isEqualTo(2);
            assertThat(sum(refusals, "hubgate_caller_auth_refusals_total", Map.of("reason", "MISSING_ROLE"))).isEqualTo(1);
        }
    }

    /** The upstream attempts counted for one operation, path and outcome (the duration histogram's count). */
    private static long attempts(String metrics, String operation, String path, String outcome) {
        return (long) sum(metrics, "hubgate_upstream_duration_seconds_count",
                Map.of("operation", operation, "path", path, "outcome", outcome));
    }

    /** The gRPC duration histogram's count for one method and status. */
    private static long grpcCalls(String metrics, String method, String status) {
        return (long) sum(metrics, "grpc_server_call_duration_seconds_count", Map.of("grpc_method", method, "grpc_status", status));
    }

    /** The sum of every sample of {@code name} whose labels include {@code labels}. */
    static double sum(String metrics, String name, Map<String, String> labels) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{([^}]*)})? (\\S+)").matcher(metrics);
        double total = 0;
        while (line.find()) {
            String found = line.group(1) == null ? "" : line.group(1);
            if (labels.entrySet().stream().allMatch(label -> found.contains(label.getKey() + "=\"" + label.getValue() + "\""))) {
                total += Double.parseDouble(line.group(2));
            }
        }
        return total;
    }

    /** Scrapes until {@code condition} holds (gauges follow calls that run on other threads). */
    private static String awaitMetrics(int port, Predicate<String> condition) throws Exception {
        long end = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            String text = scrape(port);
            if (condition.test(text)) {
                return text;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("the metrics never matched; the last scrape:\n" + text);
            }
            Thread.sleep(20); // polling with a deadline
        }
    }

    static String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        return response.body();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
