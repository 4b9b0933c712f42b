package io.hubgate.server.observability;

import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.hubgate.server.support.ShutdownChildGateway;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real gateway process whose log reader goes away (a crashed log shipper, a closed {@code | tee}):
 * its stderr pipe is closed, so every log line it writes is lost. The gateway must notice, turn
 * health NOT_SERVING so that an orchestrator restarts it, and say so where it still can (stdout).
 */
class LogOutputFailureTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void logReaderGone_healthTurnsNotServing_andStdoutSaysWhy(@TempDir Path dir) throws Exception {
        Path stdout = dir.resolve("stdout.log");
        try (ShutdownChildGateway gateway = ShutdownChildGateway.startWithStderrPiped(Map.of("HUBGATE_LOG_FORMAT", "text",
                "HUBGATE_INSECURE_NO_AUTH", "true", "HUBGATE_SHUTDOWN_GRACE", "1s"), stdout, PATIENCE)) {
            gateway.stopReadingStderr(); // the reader is gone: writes after the next one fail (EPIPE)

            // Each call writes an access line to the broken pipe; calls are still answered meanwhile.
            await().atMost(PATIENCE).until(() -> {
                assertThat(getDevice(gateway)).isEqualTo("NOT_FOUND");
                return gateway.health() == ServingStatus.NOT_SERVING;
            });
            await().atMost(PATIENCE).until(() -> gateway.output().contains(
                    "hubgate: the gateway cannot write its log to stderr"));
            assertThat(gateway.output()).contains("health is NOT_SERVING");
            assertThat(gateway.process().isAlive()).isTrue();
        }
    }

    private static String getDevice(ShutdownChildGateway gateway) {
        try {
            RegistryServiceGrpc.newBlockingStub(gateway.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getDevice(GetDeviceRequest.newBuilder().setDeviceId("nobody").build());
            return "OK";
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode().name();
        }
    }
}
