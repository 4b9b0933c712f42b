package io.hubgate.server;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.QueryResult;
import io.hubgate.api.v1.QueryTwinsRequest;
import io.hubgate.api.v1.QueryTwinsResponse;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.Twin;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultRule;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.server.observability.RequestIdInterceptor;
import io.hubgate.server.support.CredentialFixtures;
import io.hubgate.server.support.ReplicaClient;
import io.hubgate.server.support.ShutdownChildGateway;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many replicas behave as one: two gateway processes (each its own JVM, configured only through
 * HUBGATE_ variables, as a Deployment's pods are) on one emulator, with the same page-token key,
 * behind one client channel that balances with gRPC's {@code round_robin}.
 *
 * <p>What it proves: a page token, a request id and a caller's token are honoured by whichever
 * replica a call lands on (the pages of one query alternate replicas and together are the whole
 * result, once each); and a replica stopped with SIGTERM while calls are in flight finishes every
 * call it had begun, while the calls that had not begun on it go to the other replica, so no
 * call fails. Deterministic: round_robin over two READY replicas alternates, and the calls that
 * must be in flight at the signal are held at the hub until it has come.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    /** How long the hub holds each twin read during the SIGTERM test: the calls in flight at the signal. */
    private static final long HELD_MS = 2_000;
    private static final int HELD_CALLS = 6;
    /** The JVM's exit code after SIGTERM (128 + 15), whatever its shutdown hooks did. */
    private static final int EXIT_ON_SIGTERM = 143;

    @TempDir
    static Path logs;
    private static IotHubEmulator emulator;
    private static ShutdownChildGateway first;
    private static ShutdownChildGateway second;
    private static ReplicaClient client;
    private static String callerToken;

    @BeforeAll
    static void twoReplicasOnOneHub() throws Exception {
        emulator = CredentialFixtures.emulator().workerThreads(16).build().start();
        EmulatorCoordinates hub = emulator.coordinates();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Map<String, String> environment = Map.of(
                "HUBGATE_HUB_HOST", hub.hostWithPort(),
                "HUBGATE_HUB_CA_CERT", hub.certificatePath().toString(),
                "HUBGATE_CREDENTIAL", "sas",
                "HUBGATE_SAS_KEY_NAME", "iothubowner",
                "HUBGATE_SAS_KEY", hub.policy("iothubowner").keys().primaryKey(),
                "HUBGATE_JWT_ISSUERS", hub.entra().issuer(),
                "HUBGATE_JWT_AUDIENCES", DefaultDirectory.API_URI,
                "HUBGATE_JWKS_URL", hub.entra().jwksUri(),
                // The one thing replicas must share: the Secret's key (deploy/kubernetes).
                "HUBGATE_PAGE_TOKEN_KEY", Base64.getEncoder().encodeToString(key),
                "HUBGATE_SHUTDOWN_GRACE", "30s");
        first = ShutdownChildGateway.start(environment, logs.resolve("first.log"), PATIENCE);
        second = ShutdownChildGateway.start(environment, logs.resolve("second.log"), PATIENCE);
        client = new ReplicaClient(List.of(first.port(), second.port()));
        callerToken = TestGateway.callerToken(hub.entra(), "replica-caller", TestGateway.ALL_ROLES);
        awaitBothReplicasReady();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        for (ShutdownChildGateway replica : new ShutdownChildGateway[] {first, second}) {
            if (replica != null) {
                replica.close();
            }
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    @Order(1)
    void pagesOfOneQuery_alternateReplicas_andTogetherAreTheWholeResultOnce() throws Exception {
        Channel channel = client.channel(TestGateway.bearer(callerToken));
        RegistryServiceGrpc.RegistryServiceBlockingStub registry = RegistryServiceGrpc.newBlockingStub(channel);
        TwinServiceGrpc.TwinServiceBlockingStub twins = TwinServiceGrpc.newBlockingStub(channel);
        String batch = TestGateway.uniqueId("replicas").replace('-', '_');
        Set<String> seeded = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            String deviceId = batch + "-" + i;
            registry.createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(deviceId)).build());
            twins.updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(deviceId).setTags(
                    Struct.newBuilder().putFields("batch", Value.newBuilder().setStringValue(batch).build())).build());
            seeded.add(deviceId);
        }

        QueryTwinsRequest query = QueryTwinsRequest.newBuilder()
                .setQuery("SELECT * FROM devices WHERE tags.batch = '" + batch + "'").setPageSize(2).build();
        List<Integer> pageReplicas = new ArrayList<>();
        List<String> found = new ArrayList<>();
        String token = "";
        do {
            QueryTwinsResponse page = twins.queryTwins(query.toBuilder().setPageToken(token).build());
            pageReplicas.add(lastServed().port());
            page.getResultsList().stream().map(QueryResult::getTwin).map(Twin::getDeviceId).forEach(found::add);
            token = page.getNextPageToken();
        } while (!token.isEmpty());

        assertThat(found).containsExactlyInAnyOrderElementsOf(seeded);
        assertThat(pageReplicas).hasSizeGreaterThanOrEqualTo(4).containsOnly(first.port(), second.port());
        for (int i = 1; i < pageReplicas.size(); i++) {
            assertThat(pageReplicas.get(i)).as("page %d's replica after page %d's: %s", i + 1, i, pageReplicas)
                    .isNotEqualTo(pageReplicas.get(i - 1));
        }
    }

    @Test
    @Order(2)
    void requestIdsAndCallerTokens_areHonouredByEitherReplica() throws Exception {
        Channel channel = client.channel(TestGateway.bearer(callerToken));
        Set<Integer> replicas = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            Metadata chosen = new Metadata();
            chosen.put(RequestIdInterceptor.HEADER, "replica-request-" + i);
            RegistryServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(chosen))
                    .getRegistryStatistics(io.hubgate.api.v1.GetRegistryStatisticsRequest.getDefaultInstance());
            ReplicaClient.Served served = lastServed();
            assertThat(served.requestId()).isEqualTo("replica-request-" + i);
            replicas.add(served.port());
        }
        assertThat(replicas).containsExactlyInAnyOrder(first.port(), second.port());
        awaitLogged(first, "replica-request-");
        awaitLogged(second, "replica-request-");

        // A token that is not the issuer's is refused by both, for the same reason.
        Channel forged = client.channel(TestGateway.bearer(callerToken.substring(0, callerToken.lastIndexOf('.') + 1) + "AAAA"));
        Set<Integer> refusing = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            StatusRuntimeException refused = Statuses.failureOf(() -> RegistryServiceGrpc.newBlockingStub(forged)
                    .getRegistryStatistics(io.hubgate.api.v1.GetRegistryStatisticsRequest.getDefaultInstance()));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(Statuses.errorInfo(refused).getReason()).isEqualTo("TOKEN_INVALID");
            refusing.add(lastServed().port());
        }
        assertThat(refusing).containsExactlyInAnyOrder(first.port(), second.port());
    }

    @Test
    @Order(3)
    void sigtermOfOneReplicaUnderLoad_failsNoCall_itFinishesWhatItBegan_andTheRestGoToTheOther() throws Exception {
        Channel channel = client.channel(TestGateway.bearer(callerToken));
        String deviceId = TestGateway.uniqueId("replica-load");
        RegistryServiceGrpc.newBlockingStub(channel)
                .createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(deviceId)).build());
        GetTwinRequest read = GetTwinRequest.newBuilder().setDeviceId(deviceId).build();
        FaultRule held = emulator.faults().add(new FaultSpec(OperationClass.TWIN_READ, FaultKind.LATENCY, HELD_MS,
                null, null, 1.0, null, null));
        int before = client.served().size();

        // Calls in flight on both replicas, all of them held at the hub when the signal comes.
        TwinServiceGrpc.TwinServiceFutureStub async = TwinServiceGrpc.newFutureStub(channel);
        List<com.google.common.util.concurrent.ListenableFuture<Twin>> begun = new ArrayList<>();
        for (int i = 0; i < HELD_CALLS; i++) {
            begun.add(async.withDeadlineAfter(PATIENCE.toSeconds(), TimeUnit.SECONDS).getTwin(read));
        }
        awaitUntil(() -> held.fired() >= HELD_CALLS, "every call held at the hub");
        // And a steady load that keeps calling through the stop and after it.
        AtomicBoolean loading = new AtomicBoolean(true);
        List<CompletableFuture<Void>> load = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            load.add(CompletableFuture.runAsync(() -> {
                TwinServiceGrpc.TwinServiceBlockingStub twins = TwinServiceGrpc.newBlockingStub(channel);
                while (loading.get()) {
                    try {
                        twins.withDeadlineAfter(PATIENCE.toSeconds(), TimeUnit.SECONDS).getTwin(read);
                    } catch (StatusRuntimeException failed) {
                        // recorded by the client; asserted below
                    }
                }
            }));
        }

        long signalled = System.nanoTime();
        first.process().destroy(); // SIGTERM
        assertThat(first.process().waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as(first.output()).isTrue();
        long exited = System.nanoTime();
        awaitUntil(() -> client.served().stream().filter(call -> call.endedNanos() > exited).count() >= 4,
                "the load goes on after the replica exited");
        loading.set(false);
        for (CompletableFuture<Void> loader : load) {
            loader.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
        for (var call : begun) {
            assertThat(call.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getDeviceId()).isEqualTo(deviceId);
        }

        List<ReplicaClient.Served> calls = client.served().subList(before, client.served().size());
        assertThat(calls).as("every call, on whichever replica").allSatisfy(call ->
                assertThat(call.status().getCode()).as(call.toString()).isEqualTo(Status.Code.OK));
        List<ReplicaClient.Served> finishedByTheStopped = calls.stream()
                .filter(call -> call.port() == first.port() && call.endedNanos() > signalled).toList();
        assertThat(finishedByTheStopped).as("calls in flight on the stopped replica at the signal, finished by it")
                .hasSizeGreaterThanOrEqualTo(HELD_CALLS / 2);
        assertThat(calls.stream().filter(call -> call.endedNanos() > exited))
                .as("after it exited, every call went to the other replica")
                .isNotEmpty().allSatisfy(call -> assertThat(call.port()).isEqualTo(second.port()));
        assertThat(first.process().exitValue()).isEqualTo(EXIT_ON_SIGTERM);
        assertThat(first.output()).contains("hubgate stopped").doesNotContain("cancelled");
        emulator.faults().remove(held.id());
    }

    private static ReplicaClient.Served lastServed() {
        List<ReplicaClient.Served> served = client.served();
        return served.get(served.size() - 1);
    }

    /** Health checks through the balanced channel until both replicas have answered one (round_robin has both READY). */
    private static void awaitBothReplicasReady() throws Exception {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(client.channel());
        Set<Integer> answered = new HashSet<>();
        Instant giveUp = Instant.now().plus(PATIENCE);
        while (!answered.containsAll(Set.of(first.port(), second.port()))) {
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError("round_robin never reached both replicas; answered: " + answered);
            }
            health.withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
            answered.add(lastServed().port());
        }
    }

    private static void awaitLogged(ShutdownChildGateway replica, String text) throws Exception {
        awaitUntil(() -> replica.output().contains(text), "the replica's access log names " + text);
    }

    private static void awaitUntil(Callable<Boolean> condition, String what) {
        await(what).atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(condition);
    }
}
