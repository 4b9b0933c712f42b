package io.hubgate.server;

import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.QueryTwinsRequest;
import io.hubgate.api.v1.QueryTwinsResponse;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.server.errors.GatewayStatus;
import io.hubgate.server.support.CredentialFixtures;
import io.hubgate.server.support.RawCalls;
import io.hubgate.server.support.ShutdownChildGateway;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TwinSeeding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway as the launcher runs it — a child JVM with the distribution's default options
 * ({@code -Xmx192m … -XX:+ExitOnOutOfMemoryError}, read from {@code src/dist/bin/hubgate}) —
 * against requests and answers that are legal-looking but large (red-team rt3 F1): many callers
 * sending megabyte twin writes at once, and read-only callers asking for pages of 1000 large
 * twins. Every call must get an answer, the process must live on, and every page must fit a
 * default client's 4 MiB receive limit. It asserts outcomes, never durations.
 */
class BoundedHeapTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    /** What a default gRPC client accepts (grpc-java, grpcio, grpc-go, grpc-js). */
    private static final int DEFAULT_CLIENT_LIMIT = 4 * 1024 * 1024;
    private static final String UPDATE_TWIN = TwinServiceGrpc.getUpdateTwinMethod().getFullMethodName();
    /** Twins of 4 KB tags each: a quarter of what IoT Hub allows a twin, as in the report. */
    private static final int LARGE_TWINS = 1000;
    private static final int PAD_CHARS = 4000;

    @TempDir
    static Path dir;
    private static IotHubEmulator emulator;
    private static ShutdownChildGateway gateway;
    private static String batch;
    private static String deviceId;

    @BeforeAll
    static void startGatewayWithTheLaunchersHeap() throws Exception {
        emulator = CredentialFixtures.emulator().workerThreads(16).build().start();
        EmulatorCoordinates hub = emulator.coordinates();
        batch = CredentialFixtures.uniqueId("big");
        List<String> ids = new TwinSeeding(hub).createDevices(batch, LARGE_TWINS, PAD_CHARS);
        deviceId = ids.get(0);
        gateway = ShutdownChildGateway.start(launcherJvmOptions(), Map.of(
                "HUBGATE_HUB_HOST", hub.hostWithPort(),
                "HUBGATE_HUB_CA_CERT", hub.certificatePath().toString(),
                "HUBGATE_CREDENTIAL", "sas",
                "HUBGATE_SAS_KEY_NAME", "iothubowner",
                "HUBGATE_SAS_KEY", hub.policy("iothubowner").keys().primaryKey(),
                // Not about caller auth: a plaintext loopback child may run without it.
                "HUBGATE_INSECURE_NO_AUTH", "true"), dir.resolve("gateway.log"), PATIENCE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void updateTwin_manyCallersSendingFourMegabyteStructs_eachAnswered_andTheGatewayLives() throws Exception {
        byte[] request = nullKeys(285_000); // rt3's request: 4.16 MB, under grpc-java's default 4 MiB limit
        assertThat(request.length).isBetween(4_000_000, DEFAULT_CLIENT_LIMIT);

        List<Status> outcomes = concurrently(6, () -> RawCalls.call(gateway.channel(), UPDATE_TWIN, request).status());

        assertAlive();
        assertThat(outcomes).allSatisfy(status -> assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }

    @Test
    void updateTwin_manyCallersSendingRequestsJustUnderItsLimit_eachAnswered_andTheGatewayLives() throws Exception {
        byte[] request = nullKeys(50_000); // about 690 KB: parsed, then refused by the twin size check
        List<Status> outcomes = concurrently(24, () -> RawCalls.call(gateway.channel(), UPDATE_TWIN, request).status());

        assertAlive();
        assertThat(outcomes).allSatisfy(status -> {
            assertThat(status.getCode()).isIn(Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED);
            if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                StatusRuntimeException failure = status.asRuntimeException(RawCalls.trailers(status));
                assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo(GatewayStatus.GATEWAY_AT_CAPACITY);
                assertThat(Statuses.retryInfo(failure).hasRetryDelay()).isTrue();
            }
        });
        // Every call gave its bytes back: alone, the same request is parsed and judged on its content.
        assertThat(RawCalls.call(gateway.channel(), UPDATE_TWIN, request).status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void aRequestOverItsMethodsLimit_isRefusedBeforeParsing_namingTheMethodAndTheLimit() throws Exception {
        byte[] request = nullKeys(60_000); // about 830 KB: over UpdateTwin's limit, under the transport's

        Status status = RawCalls.call(gateway.channel(), UPDATE_TWIN, request).status();

        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).contains("hubgate.v1.TwinService/UpdateTwin").contains("at most");
        StatusRuntimeException failure = status.asRuntimeException(RawCalls.trailers(status));
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo(GatewayStatus.REQUEST_TOO_LARGE);
        assertThat(Statuses.errorInfo(failure).getMetadataMap()).containsKeys("limitBytes", "method");
    }

    @Test
    void queryTwins_pagesOfAThousandLargeTwins_fitADefaultClient_andWalkEveryTwinOnce() throws Exception {
        String query = "SELECT * FROM devices WHERE tags.batch = '" + batch + "'";
        ManagedChannel defaultClient = ManagedChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
        try {
            TwinServiceGrpc.TwinServiceBlockingStub twins = TwinServiceGrpc.newBlockingStub(defaultClient)
                    .withDeadlineAfter(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            Set<String> seen = new HashSet<>();
            List<Integer> pageBytes = new ArrayList<>();
            QueryTwinsResponse page = twins.queryTwins(QueryTwinsRequest.newBuilder().setQuery(query).setPageSize(1000).build());
            while (true) {
                pageBytes.add(page.getSerializedSize());
                page.getResultsList().forEach(result -> assertThat(seen.add(result.getTwin().getDeviceId()))
                        .as("twin seen once").isTrue());
                if (page.getNextPageToken().isEmpty()) {
                    break;
                }
                page = twins.queryTwins(QueryTwinsRequest.newBuilder().setPageToken(page.getNextPageToken()).setPageSize(1000).build());
            }
            assertThat(seen).hasSize(LARGE_TWINS);
            assertThat(pageBytes).allSatisfy(bytes -> assertThat(bytes).isLessThan(DEFAULT_CLIENT_LIMIT / 2));
        } finally {
            defaultClient.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void queryTwins_manyReadOnlyCallersAskingForAThousandLargeTwins_eachAnswered_andTheGatewayLives() throws Exception {
        String query = "SELECT * FROM devices WHERE tags.batch = '" + batch + "'";
        TwinServiceGrpc.TwinServiceBlockingStub twins = TwinServiceGrpc.newBlockingStub(gateway.channel());
        List<Status> outcomes = concurrently(12, () -> {
            try {
                twins.withDeadlineAfter(PATIENCE.toSeconds(), TimeUnit.SECONDS)
                        .queryTwins(QueryTwinsRequest.newBuilder().setQuery(query).setPageSize(1000).build());
                return Status.OK;
            } catch (StatusRuntimeException failure) {
                return failure.getStatus();
            }
        });

        assertAlive();
        assertThat(outcomes).allSatisfy(status -> assertThat(status.getCode())
                .isIn(Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED));
    }

    private static void assertAlive() throws Exception {
        assertThat(gateway.process().isAlive()).as("gateway process alive; its output:\n%s", gateway.output()).isTrue();
        assertThat(gateway.health()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        // And it still serves a real call.
        assertThat(TwinServiceGrpc.newBlockingStub(gateway.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                .getTwin(GetTwinRequest.newBuilder().setDeviceId(deviceId).build()).getDeviceId()).isEqualTo(deviceId);
    }

    /** An UpdateTwin whose desired section deletes {@code keys} properties: tiny entries, the most heap per wire byte. */
    private static byte[] nullKeys(int keys) {
        Struct.Builder desired = Struct.newBuilder();
        Value nothing = Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        for (int i = 0; i < keys; i++) {
            desired.putFields("k" + i, nothing);
        }
        return UpdateTwinRequest.newBuilder().setDeviceId(deviceId).setDesired(desired).build().toByteArray();
    }

    private static List<Status> concurrently(int callers, java.util.concurrent.Callable<Status> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<CompletableFuture<Status>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return call.call();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            return futures.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    /** The JVM options the distribution's launcher gives the gateway by default. */
    static List<String> launcherJvmOptions() throws Exception {
        String launcher = Files.readString(Path.of("src/dist/bin/hubgate"), StandardCharsets.UTF_8);
        Matcher defaults = Pattern.compile("HUBGATE_DEFAULT_JVM_OPTS:=([^}\"]+)").matcher(launcher);
        assertThat(defaults.find()).as("the launcher's default JVM options").isTrue();
        List<String> options = Arrays.asList(defaults.group(1).trim().split("\\s+"));
        assertThat(options).contains("-XX:+ExitOnOutOfMemoryError").anyMatch(option -> option.startsWith("-Xmx"));
        return options;
    }
}
