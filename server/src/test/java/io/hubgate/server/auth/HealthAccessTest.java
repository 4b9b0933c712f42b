package io.hubgate.server.auth;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Health checks are open by default (probes carry no token), and authenticated with --protect-health. */
class HealthAccessTest {

    @Test
    void byDefault_healthAnswersCallersWithoutCredentials() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            assertThat(HealthGrpc.newBlockingStub(gateway.channelWith()).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
        }
    }

    @Test
    void withProtectedHealth_healthNeedsAnAuthenticatedCaller_butNoRole() throws Exception {
        GatewayConfig config = GatewayConfig.localDevelopment(0);
        try (TestGateway gateway = TestGateway.start(config.withAuth(config.auth().withProtectedHealth(true)))) {
            assertThatThrownBy(() -> HealthGrpc.newBlockingStub(gateway.channelWith()).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
            assertThat(HealthGrpc.newBlockingStub(gateway.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
        }
    }
}
