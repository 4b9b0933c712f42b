package io.hubgate.server.observability;

import com.azure.core.util.Configuration;
import com.azure.core.util.ConfigurationBuilder;
import com.azure.core.util.ConfigurationSource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultRule;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.server.Gateway;
import io.hubgate.server.auth.AccessPolicy;
import io.hubgate.server.auth.AuthSettings;
import io.hubgate.server.config.CredentialMode;
import io.hubgate.server.config.CredentialSettings;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.config.HubTarget;
import io.hubgate.server.config.OperationsSettings;
import io.hubgate.server.support.CredentialFixtures;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hub token's series on a real gateway's --metrics-port when Entra stops answering: a gateway
 * with the client-secret credential on an emulator whose local Entra issues short-lived tokens
 * (refreshed at half their life), whose token endpoint is then made to fail. The failed refreshes
 * are counted, and once Entra answers again a refresh works and is counted too. The metric an
 * operator alerts on before IoT Hub starts refusing the gateway.
 */
class HubTokenMetricsTest {

    /** Refreshed at half its life: a refresh every few seconds, long enough for a request on a busy machine. */
    private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(12);
    /** Upper bound against hangs only: several lifetimes and the refresh's backoff. */
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @Test
    void hubTokenRefreshFailures_areCounted_andARefreshThatWorksAgainIsCountedToo() throws Exception {
        int metricsPort = MetricsEndpointTest.freePort();
        try (IotHubEmulator hub = CredentialFixtures.emulator().tokenLifetime(TOKEN_LIFETIME).build().start();
             Gateway gateway = Gateway.start(remoteHubConfig(hub.coordinates()), clientSecretOf(hub.coordinates().entra()),
                     new OperationsSettings(null, metricsPort, null))) {
            // The first call to the hub fetches the first token.
            callHub(gateway.port(), hub.coordinates().entra());
            String started = awaitMetrics(metricsPort, text -> refreshes(text, "ok") >= 1);
            assertThat(refreshes(started, "failed")).isZero();
            assertThat(MetricsEndpointTest.sum(started, "hubgate_hub_token_remaining_seconds", Map.of())).isPositive();

            // Entra fails every token request from now on: the next refresh (and its retries) fail.
            FaultRule down = hub.faults().add(new FaultSpec(OperationClass.TOKEN, FaultKind.ERROR, 0, HubErrorCode.SERVER_ERROR,
                    null, 1.0, null, null));
            String failing = awaitMetrics(metricsPort, text -> refreshes(text, "failed") >= 1);
            long okWhileDown = (long) refreshes(failing, "ok");
            assertThat(down.fired()).isPositive();
            assertThat(failing).doesNotContain(hub.coordinates().entra().application(DefaultDirectory.GATEWAY).secret());

            // Entra answers again: the next refresh gets a token (the background retry while the old token
            // is valid, or, once it has expired, the next call's own fetch: this call makes sure of one).
            hub.faults().remove(down.id());
            callHub(gateway.port(), hub.coordinates().entra());
            String recovered = awaitMetrics(metricsPort, text -> refreshes(text, "ok") > okWhileDown);
            assertThat(refreshes(recovered, "failed")).isGreaterThanOrEqualTo(1);
            assertThat(MetricsEndpointTest.sum(recovered, "hubgate_hub_token_age_seconds", Map.of())).isNotNegative();
        }
    }

    private static void callHub(int port, EntraCoordinates entra) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            RegistryServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(TestGateway.bearer(TestGateway.callerToken(entra, "token-metrics", TestGateway.ALL_ROLES)))
                    .withDeadlineAfter(PATIENCE.toSeconds(), TimeUnit.SECONDS)
                    .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static double refreshes(String metrics, String outcome) {
        return MetricsEndpointTest.sum(metrics, "hubgate_hub_token_refreshes_total", Map.of("outcome", outcome));
    }

    /** The production path: the emulator as a remote hub (host with port, its certificate as the CA), client-secret. */
    private static GatewayConfig remoteHubConfig(EmulatorCoordinates at) {
        return new GatewayConfig(GatewayConfig.DEFAULT_BIND_ADDRESS, 0, true, null, null,
                new HubTarget(at.hostWithPort(), at.certificatePath()), CredentialSettings.of(CredentialMode.CLIENT_SECRET),
                GatewayConfig.DEFAULT_MAX_CONCURRENT_CALLS, GatewayConfig.DEFAULT_MAX_QUEUED_CALLS,
                GatewayConfig.DEFAULT_UPSTREAM_TIMEOUT, GatewayConfig.DEFAULT_SHUTDOWN_GRACE,
                AuthSettings.defaults().withJwt(List.of(at.entra().issuer()), List.of(DefaultDirectory.API_URI), at.entra().jwksUri()),
                AccessPolicy.defaults());
    }

    /** The gateway app's AZURE_* variables for that Entra, and nothing else of the test JVM's environment. */
    private static Configuration clientSecretOf(EntraCoordinates entra) {
        EntraCoordinates.ClientCredentials app = entra.application(DefaultDirectory.GATEWAY);
        Map<String, String> variables = Map.of(
                Configuration.PROPERTY_AZURE_AUTHORITY_HOST, entra.authorityHost(),
                Configuration.PROPERTY_AZURE_TENANT_ID, entra.tenantId(),
                Configuration.PROPERTY_AZURE_CLIENT_ID, app.clientId(),
                Configuration.PROPERTY_AZURE_CLIENT_SECRET, app.secret());
        ConfigurationSource nothing = prefix -> Map.of();
        return new ConfigurationBuilder(nothing, nothing, prefix -> variables).build();
    }

    /** Scrapes until {@code condition} holds; the scrape that satisfied it. */
    private static String awaitMetrics(int port, Predicate<String> condition) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> MetricsEndpointTest.scrape(port), condition);
    }
}
