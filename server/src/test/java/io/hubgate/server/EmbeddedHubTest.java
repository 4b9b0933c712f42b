package io.hubgate.server;

import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded default: a gateway with no hub configured runs on its own emulator, through real credentials. */
class EmbeddedHubTest {

    @Test
    void gatewayWithoutHub_runsOnItsEmbeddedEmulator_withTheClientSecretCredential() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            assertThat(gateway.hub()).isNotNull();
            assertThat(gateway.gateway().hub().description())
                    .contains("embedded emulator", "client-secret", "hubgate-gateway")
                    .doesNotContain(gateway.hub().coordinates().entra().application("hubgate-gateway").secret());
            assertThat(gateway.registry().getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance())
                    .getTotalDeviceCount()).isZero();
        }
    }

    @Test
    void twoEmbeddedGatewaysInOneProcess_bothKeepTrustingTheirOwnEmulator() throws Exception {
        try (TestGateway first = TestGateway.start(); TestGateway second = TestGateway.start()) {
            // The second start installs its emulator's certificate JVM-wide; the first must still work.
            assertThat(first.registry().getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance())
                    .getTotalDeviceCount()).isZero();
            assertThat(second.registry().getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance())
                    .getTotalDeviceCount()).isZero();
        }
    }
}
