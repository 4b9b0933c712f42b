package io.hubgate.server.hub;

import com.azure.core.util.Configuration;
import com.azure.core.util.ConfigurationBuilder;
import com.azure.core.util.ConfigurationSource;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.server.Gateway;
import io.hubgate.server.auth.AuthSettings;
import io.hubgate.server.config.CredentialMode;
import io.hubgate.server.config.CredentialSettings;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.config.HubTarget;
import io.hubgate.server.support.AccessLogCapture;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway whose own hub credential is wrong (a SAS key the hub does not know, a client secret
 * the local Entra refuses) still starts — an Entra outage at start must not keep it down — but
 * says so in one WARN line at start, and answers each call INTERNAL with a message naming which
 * of its own credentials was refused, without the secret and without advice that does not fit,
 * logging one line per failed call, not three. Through the embedded emulator and its Entra.
 */
class WrongHubCredentialTest {

    private static final String WRONG_SECRET = "wrong-secret-0123456789";
    private static final String WRONG_KEY = Base64.getEncoder().encodeToString("x".repeat(32).getBytes());

    @RegisterExtension
    static final TestGateway owner = TestGateway.perClass();

    private static GatewayConfig config(CredentialSettings credential) {
        EmulatorCoordinates at = owner.hub().coordinates();
        return new GatewayConfig(GatewayConfig.DEFAULT_BIND_ADDRESS, 0, true, null, null,
                new HubTarget(at.hostWithPort(), at.certificatePath()), credential, 4, 10,
                GatewayConfig.DEFAULT_UPSTREAM_TIMEOUT, GatewayConfig.DEFAULT_SHUTDOWN_GRACE,
                AuthSettings.insecureNoAuth(), io.hubgate.server.auth.AccessPolicy.defaults());
    }

    private static Configuration environment(String secret) {
        EmulatorCoordinates at = owner.hub().coordinates();
        Map<String, String> variables = Map.of(
                Configuration.PROPERTY_AZURE_AUTHORITY_HOST, at.entra().authorityHost(),
                Configuration.PROPERTY_AZURE_TENANT_ID, at.entra().tenantId(),
                Configuration.PROPERTY_AZURE_CLIENT_ID, at.entra().application(DefaultDirectory.GATEWAY).clientId(),
                Configuration.PROPERTY_AZURE_CLIENT_SECRET, secret);
        ConfigurationSource nothing = prefix -> Map.of();
        return new ConfigurationBuilder(nothing, nothing, prefix -> variables).build();
    }

    /** Starts the gateway, makes two calls, and returns the first call's failure and the log. */
    private static Outcome run(GatewayConfig config, Configuration environment) throws Exception {
        try (AccessLogCapture log = AccessLogCapture.start(true)) {
            Gateway gateway = Gateway.start(config, environment);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
            try {
                List<String> atStart = log.lines();
                RegistryServiceGrpc.RegistryServiceBlockingStub stub = RegistryServiceGrpc.newBlockingStub(channel);
                StatusRuntimeException first = Statuses.failureOf(() -> stub.withDeadlineAfter(20, TimeUnit.SECONDS)
                        .getDevice(GetDeviceRequest.newBuilder().setDeviceId("wrong-credential-a").build()));
                int before = log.lines().size();
                Statuses.failureOf(() -> stub.withDeadlineAfter(20, TimeUnit.SECONDS)
                        .getDevice(GetDeviceRequest.newBuilder().setDeviceId("wrong-credential-b").build()));
                log.awaitAccessLine(line -> line.contains("GetDevice") && line.contains("INTERNAL"), java.time.Duration.ofSeconds(10));
                List<String> all = log.lines();
                return new Outcome(first, atStart, all.subList(before, all.size()));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                gateway.close();
            }
        }
    }

    private record Outcome(StatusRuntimeException failure, List<String> startLog, List<String> secondCallLog) {
    }

    private static void assertOneWarnAtStart(Outcome outcome, String kind) {
        assertThat(outcome.startLog().stream().filter(line -> line.contains("WARN") && line.contains(kind)
                && line.contains("hub credential")).count()).as(String.join("\n", outcome.startLog())).isEqualTo(1);
    }

    private static void assertOneLogLinePerFailedCall(Outcome outcome, String secret) {
        List<String> notAccess = outcome.secondCallLog().stream()
                .filter(line -> !line.contains("hubgate.access") && !line.isBlank()).toList();
        assertThat(notAccess).as("what the second failed call logged besides its access line").hasSizeLessThanOrEqualTo(1);
        assertThat(outcome.secondCallLog()).noneMatch(line -> line.contains(secret));
    }

    @Test
    void aWrongClientSecret_startsWithOneWarning_andEachCallSaysTheEntraCredentialWasRefused() throws Exception {
        Outcome outcome = run(config(CredentialSettings.of(CredentialMode.CLIENT_SECRET)), environment(WRONG_SECRET));

        Status status = outcome.failure().getStatus();
        assertThat(status.getCode()).as(status.toString()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("gateway's own hub credential").contains("Entra credential")
                .doesNotContain("MsalServiceException").doesNotContain(WRONG_SECRET);
        ErrorInfo info = Statuses.errorInfo(outcome.failure());
        assertThat(info.getReason()).isEqualTo("GATEWAY_CREDENTIAL_FAILED");
        assertOneWarnAtStart(outcome, "Entra credential");
        assertOneLogLinePerFailedCall(outcome, WRONG_SECRET);
    }

    @Test
    void aWrongSasKey_startsWithOneWarning_andEachCallSaysTheSasKeyWasRefused_withoutRoleAdvice() throws Exception {
        EmulatorCoordinates at = owner.hub().coordinates();
        CredentialSettings sas = new CredentialSettings(CredentialMode.SAS, null, null, "iothubowner", WRONG_KEY);
        Outcome outcome = run(config(sas), environment("unused"));

        Status status = outcome.failure().getStatus();
        assertThat(status.getCode()).as(status.toString()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("gateway's own hub credential").contains("SAS key")
                .doesNotContain("role").doesNotContain(WRONG_KEY);
        assertThat(Statuses.errorInfo(outcome.failure()).getReason()).isEqualTo("IotHubUnauthorizedAccess");
        assertOneWarnAtStart(outcome, "SAS key");
        assertOneLogLinePerFailedCall(outcome, WRONG_KEY);
        assertThat(at.hostWithPort()).isNotBlank();
    }
}
