package io.hubgate.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.server.support.AccessLogCapture;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.hubgate.server.support.Statuses.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the transport does with a caller's headers and the controlled path's requests: a large
 * (Entra-sized) token is judged by authentication, not refused by HTTP/2; a controlled-path call
 * writes no azure-core warning.
 */
class TransportEdgesTest {

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    @Test
    void aNineKilobyteBearerToken_isJudgedByAuthentication_unauthenticatedWithErrorInfo() {
        String token = "eyJ" + "a".repeat(3000) + "." + "b".repeat(3000) + "." + "c".repeat(3000);

        StatusRuntimeException failure = failureOf(() -> RegistryServiceGrpc.newBlockingStub(
                gateway.channelWith(TestGateway.bearer(token))).getDevice(GetDeviceRequest.newBuilder().setDeviceId("any").build()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(Statuses.errorInfo(failure).getDomain()).isEqualTo("hubgate.io");
    }

    @Test
    void aControlledPathCall_logsNoWarning() {
        String id = "quiet-" + UUID.randomUUID().toString().substring(0, 8);
        String requestId = "quiet-" + UUID.randomUUID();
        try (AccessLogCapture log = AccessLogCapture.start(true)) {
            RegistryServiceGrpc.newBlockingStub(gateway.channelWith(
                            TestGateway.bearer(gateway.callerToken("c", TestGateway.ALL_ROLES)),
                            TestGateway.header("x-request-id", requestId)))
                    .createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
            log.awaitAccessLine(line -> line.startsWith(requestId), Duration.ofSeconds(10));

            assertThat(log.lines()).noneMatch(line -> line.contains(" WARN ") || line.contains("[jul] WARNING"));
        }
    }
}
