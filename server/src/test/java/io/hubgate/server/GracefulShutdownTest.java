package io.hubgate.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultRule;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.server.support.CredentialFixtures;
import io.hubgate.server.support.ShutdownChildGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM to a real gateway process while calls are in flight: the calls complete, new calls are
 * refused, and the process exits. The gateway runs as a child JVM configured through its
 * environment variables against an emulator in this JVM, whose fault injector holds every
 * registry request for {@link #UPSTREAM_LATENCY_MS} so that calls are in flight when the signal
 * comes.
 */
class GracefulShutdownTest {

    private static final long UPSTREAM_LATENCY_MS = 3_000;
    private static final int IN_FLIGHT = 4;
    /** Upper bound against hangs only. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /**
     * The JVM runs its shutdown hooks on SIGTERM and then exits with 128 + 15 = 143, whatever the
     * hooks do: the signal, not {@code main}, ends the process.
     */
    private static final int EXIT_ON_SIGTERM = 143;

    @Test
    void sigterm_letsCallsInFlightComplete_refusesNewCalls_andExits(@TempDir Path dir) throws Exception {
        try (IotHubEmulator emulator = CredentialFixtures.emulator().workerThreads(16).build().start()) {
            EmulatorCoordinates hub = emulator.coordinates();
            try (ShutdownChildGateway gateway = ShutdownChildGateway.start(Map.of(
                    "HUBGATE_HUB_HOST", hub.hostWithPort(),
                    "HUBGATE_HUB_CA_CERT", hub.certificatePath().toString(),
                    "HUBGATE_CREDENTIAL", "sas",
                    "HUBGATE_SAS_KEY_NAME", "iothubowner",
                    "HUBGATE_SAS_KEY", hub.policy("iothubowner").keys().primaryKey(),
                    "HUBGATE_SHUTDOWN_GRACE", "45s",
                    // Not about caller auth: a plaintext loopback child may run without it.
                    "HUBGATE_INSECURE_NO_AUTH", "true"), dir.resolve("gateway.log"), PATIENCE)) {
                RegistryServiceGrpc.RegistryServiceBlockingStub registry = RegistryServiceGrpc.newBlockingStub(gateway.channel());
                String deviceId = CredentialFixtures.uniqueId("drain");
                registry.createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(deviceId)).build());
                FaultRule slow = emulator.faults().add(new FaultSpec(OperationClass.REGISTRY, FaultKind.LATENCY,
                        UPSTREAM_LATENCY_MS, null, null, 1.0, null, null));

                List<CompletableFuture<Device>> inFlight = new ArrayList<>();
                for (int i = 0; i < IN_FLIGHT; i++) {
                    inFlight.add(CompletableFuture.supplyAsync(() -> registry.withDeadlineAfter(PATIENCE.toSeconds(), TimeUnit.SECONDS)
                            .getDevice(GetDeviceRequest.newBuilder().setDeviceId(deviceId).build())));
                }
                await("every call held at the hub").atMost(PATIENCE).until(() -> slow.fired() >= IN_FLIGHT);

                gateway.process().destroy(); // SIGTERM on Linux

                // First a short notice (health NOT_SERVING, calls still taken: polling may miss it on a
                // loaded machine, so it is not required to be seen), then no new calls at all.
                await("health stops reporting SERVING").atMost(PATIENCE).until(() -> gateway.health() != ServingStatus.SERVING);
                await("the server stops taking new calls").atMost(PATIENCE).until(() -> gateway.health() == null);
                ManagedChannel fresh = ManagedChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
                try {
                    assertThatThrownBy(() -> RegistryServiceGrpc.newBlockingStub(fresh).withDeadlineAfter(10, TimeUnit.SECONDS)
                            .getDevice(GetDeviceRequest.newBuilder().setDeviceId(deviceId).build()))
                            .isInstanceOfSatisfying(StatusRuntimeException.class, refused ->
                                    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
                } finally {
                    fresh.shutdownNow();
                }
                for (CompletableFuture<Device> call : inFlight) {
                    assertThat(call.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getDeviceId()).isEqualTo(deviceId);
                }
                assertThat(gateway.process().waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as(gateway.output()).isTrue();
                assertThat(gateway.process().exitValue()).as(gateway.output()).isEqualTo(EXIT_ON_SIGTERM);
                assertThat(gateway.output()).contains("hubgate stopped").doesNotContain("cancelled");
                assertThat(slow.fired()).as("no call reached the hub after the signal").isEqualTo(IN_FLIGHT);
            }
        }
    }
}
