package io.hubgate.server.observability;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.server.Gateway;
import io.hubgate.server.config.GatewayOptions;
import io.hubgate.server.config.OperationsSettings;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --health-port: a plaintext port with gRPC health and nothing else, answering as the API port does. */
class HealthPortTest {

    @Test
    void healthPort_servesHealthOnly_andTurnsNotServingWhenTheGatewayStops() throws Exception {
        Gateway gateway = Gateway.start(GatewayOptions.parse("--port", "0", "--shutdown-grace", "3s"), new OperationsSettings(0, null, null));
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", gateway.operator().healthPort()).usePlaintext().build();
        try {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            assertThat(status(health, "")).isEqualTo(ServingStatus.SERVING);
            assertThat(status(health, "hubgate.v1.RegistryService")).isEqualTo(ServingStatus.SERVING);
            assertThatThrownBy(() -> RegistryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getDevice(GetDeviceRequest.newBuilder().setDeviceId("any").build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
                try {
                    gateway.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // The stop begins with NOT_SERVING on every port, before the API port refuses calls.
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (status(health, "") != ServingStatus.NOT_SERVING) {
                assertThat(System.nanoTime()).as("NOT_SERVING on the health port while stopping").isLessThan(giveUp);
                Thread.sleep(20);
            }
            stopping.get(60, TimeUnit.SECONDS);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            gateway.close();
        }
    }

    private static ServingStatus status(HealthGrpc.HealthBlockingStub health, String service) {
        return health.withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }
}
