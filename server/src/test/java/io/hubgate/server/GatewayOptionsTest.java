package io.hubgate.server;

import io.hubgate.server.auth.AccessPolicy;
import io.hubgate.server.config.CredentialMode;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.config.GatewayOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Flags and defaults resolve into one {@link GatewayConfig}, and every refusal names the flag.
 * The environment fallbacks ({@code ${env:HUBGATE_…}}) are resolved by picocli from the real
 * process environment, which a test cannot change in-process: these tests run without any
 * HUBGATE_ variable, and {@code GracefulShutdownTest} configures a child gateway through them.
 */
class GatewayOptionsTest {

    private static final String KEY = "c2VjcmV0LWtleS1tYXRlcmlhbC0xMjM0NTY3ODkwMTI=";

    @TempDir
    static Path dir;
    private static Path certificate;
    private static Path privateKey;

    @BeforeAll
    static void files() throws Exception {
        assertThat(System.getenv().keySet()).as("these tests assume no HUBGATE_ variable").noneMatch(name -> name.startsWith("HUBGATE_"));
        certificate = Files.writeString(dir.resolve("tls.crt"), "certificate");
        privateKey = Files.writeString(dir.resolve("tls.key"), "key");
    }

    @Test
    void noFlags_areTheDocumentedDefaults_onTheEmbeddedHub() {
        GatewayConfig config = GatewayOptions.parse();

        assertThat(config.bindAddress()).isEqualTo(GatewayConfig.DEFAULT_BIND_ADDRESS);
        assertThat(config.port()).isEqualTo(GatewayConfig.DEFAULT_PORT);
        assertThat(config.plaintext()).isTrue();
        assertThat(config.embeddedHub()).isTrue();
        assertThat(config.credential().mode()).isEqualTo(CredentialMode.DEFAULT);
        assertThat(config.maxConcurrentCalls()).isEqualTo(GatewayConfig.DEFAULT_MAX_CONCURRENT_CALLS);
        assertThat(config.maxQueuedCalls()).isEqualTo(GatewayConfig.DEFAULT_MAX_QUEUED_CALLS);
        assertThat(config.upstreamTimeout()).isEqualTo(GatewayConfig.DEFAULT_UPSTREAM_TIMEOUT);
        assertThat(config.shutdownGrace()).isEqualTo(GatewayConfig.DEFAULT_SHUTDOWN_GRACE);
        assertThat(config.auth().disabled()).as("authentication is on by default").isFalse();
        assertThat(config.auth().anyConfigured()).as("the embedded hub's issuer is filled in at start").isFalse();
        assertThat(config.auth().clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.auth().jwtMaxLifetime()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void aGatewayForARealHub_doesNotStartWithoutCallerAuthentication() {
        assertRefused("no caller authentication configured", "--hub-host", "myhub.azure-devices.net");
    }

    @Test
    void insecureNoAuth_isOnlyForAPlaintextLoopbackGateway() {
        assertThat(GatewayOptions.parse("--insecure-no-auth").auth().disabled()).isTrue();
        assertRefused("--insecure-no-auth", "--insecure-no-auth", "--tls-cert", certificate.toString(),
                "--tls-key", privateKey.toString());
        assertRefused("--insecure-no-auth", "--insecure-no-auth", "--api-keys-file", privateKey.toString());
    }

    @Test
    void inconsistentAuthFlags_areRefused_namingTheFlags() {
        assertRefused("--jwt-audience", "--jwt-issuer", "https://sts.windows.net/t1/");
        assertRefused("--jwt-issuer", "--jwt-audience", "api://hubgate");
        assertRefused("--client-ca", "--client-ca", certificate.toString());
        assertRefused("--client-ca", "--require-client-cert");
        assertRefused("--mtls-roles", "--tls-cert", certificate.toString(), "--tls-key", privateKey.toString(),
                "--client-ca", certificate.toString(), "--mtls-roles", "cn:billing");
        assertRefused("--mtls-roles", "--tls-cert", certificate.toString(), "--tls-key", privateKey.toString(),
                "--client-ca", certificate.toString(), "--mtls-roles", "CN=billing=Registry.Read");
        assertRefused("--api-keys-file", "--api-keys-file", dir.resolve("missing.json").toString());
    }

    @Test
    void everyFlag_landsInTheConfiguration() {
        GatewayConfig config = GatewayOptions.parse("--bind", "0.0.0.0", "--port", "7443",
                "--tls-cert", certificate.toString(), "--tls-key", privateKey.toString(),
                "--hub-host", "myhub.azure-devices.net", "--hub-ca-cert", certificate.toString(),
                "--credential", "MANAGED_IDENTITY", "--managed-identity-client-id", "1234-abcd",
                "--max-concurrent-calls", "8", "--max-queued-calls", "100",
                "--upstream-timeout", "500ms", "--shutdown-grace", "PT1M",
                "--jwt-issuer", "https://login.microsoftonline.com/t1/v2.0", "--jwt-issuer", "https://sts.windows.net/t1/",
                "--jwt-audience", "api://hubgate,11111111-2222-3333-4444-555555555555", "--jwks-url", "https://keys.example/keys",
                "--jwt-tenant", "t1", "--jwt-clock-skew", "2m", "--jwt-max-lifetime", "90m", "--client-ca", certificate.toString(), "--require-client-cert",
                "--mtls-roles", "cn:billing=Registry.Read,Twin.Read", "--mtls-roles", "uri:spiffe://hubgate/ops=Keys.Read",
                "--api-keys-file", privateKey.toString());

        assertThat(config.auth().disabled()).isFalse();
        assertThat(config.auth().jwtIssuers()).containsExactly("https://login.microsoftonline.com/t1/v2.0", "https://sts.windows.net/t1/");
        assertThat(config.auth().jwtAudiences()).containsExactly("api://hubgate", "11111111-2222-3333-4444-555555555555");
        assertThat(config.auth().jwksUrl()).isEqualTo("https://keys.example/keys");
        assertThat(config.auth().jwtTenants()).containsExactly("t1");
        assertThat(config.auth().clockSkew()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.auth().jwtMaxLifetime()).isEqualTo(Duration.ofMinutes(90));
        assertThat(config.auth().clientCa()).isEqualTo(certificate);
        assertThat(config.auth().requireClientCert()).isTrue();
        assertThat(config.auth().mtlsRoles()).containsEntry("cn:billing", java.util.Set.of("Registry.Read", "Twin.Read"))
                .containsEntry("uri:spiffe://hubgate/ops", java.util.Set.of("Keys.Read"));
        assertThat(config.auth().apiKeysFile()).isEqualTo(privateKey);
        assertThat(config.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(7443);
        assertThat(config.plaintext()).isFalse();
        assertThat(config.tlsCertificate()).isEqualTo(certificate);
        assertThat(config.tlsPrivateKey()).isEqualTo(privateKey);
        assertThat(config.hub().hostName()).isEqualTo("myhub.azure-devices.net");
        assertThat(config.hub().caCertificate()).isEqualTo(certificate);
        assertThat(config.credential().mode()).isEqualTo(CredentialMode.MANAGED_IDENTITY);
        assertThat(config.credential().managedIdentityClientId()).isEqualTo("1234-abcd");
        assertThat(config.maxConcurrentCalls()).isEqualTo(8);
        assertThat(config.maxQueuedCalls()).isEqualTo(100);
        assertThat(config.upstreamTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void durations_acceptUnitsAndIso8601() {
        assertThat(GatewayOptions.parse("--shutdown-grace", "90s").shutdownGrace()).isEqualTo(Duration.ofSeconds(90));
        assertThat(GatewayOptions.parse("--shutdown-grace", "2m").shutdownGrace()).isEqualTo(Duration.ofMinutes(2));
        assertThat(GatewayOptions.parse("--shutdown-grace", "1h").shutdownGrace()).isEqualTo(Duration.ofHours(1));
        assertThat(GatewayOptions.parse("--shutdown-grace", "0s").shutdownGrace()).isZero();
        assertThat(GatewayOptions.parse("--upstream-timeout", "pt30s").upstreamTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void hubConnectionString_impliesSas_andItsHost() {
        GatewayConfig config = GatewayOptions.parse("--insecure-no-auth", "--hub-connection-string",
                "HostName=myhub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY);

        assertThat(config.credential().mode()).isEqualTo(CredentialMode.SAS);
        assertThat(config.hub().hostName()).isEqualTo("myhub.azure-devices.net");
        assertThat(config.credential().connectionString()).contains(KEY);
        assertThat(config.credential().toString()).doesNotContain(KEY);
        assertThat(config.toString()).doesNotContain(KEY);
    }

    @Test
    void sasWithKeyNameAndKey_forAHostWithAPort() {
        GatewayConfig config = GatewayOptions.parse("--insecure-no-auth", "--hub-host", "127.0.0.1:8443", "--credential", "sas",
                "--sas-key-name", "iothubowner", "--sas-key", KEY);

        assertThat(config.credential().mode()).isEqualTo(CredentialMode.SAS);
        assertThat(config.hub().hostName()).isEqualTo("127.0.0.1:8443");
        assertThat(config.credential().sasKey()).isEqualTo(KEY);
        assertThat(config.toString()).doesNotContain(KEY);
    }

    @Test
    void nonLoopbackBindWithoutTls_isRefused_namingTheFlags() {
        assertRefused("--bind 0.0.0.0 is not a loopback address", "--bind", "0.0.0.0");
        assertRefused("--tls-cert", "--bind", "0.0.0.0");
    }

    @Test
    void tlsCertWithoutTlsKey_isRefused() {
        assertRefused("--tls-cert and --tls-key go together", "--tls-cert", certificate.toString());
        assertRefused("--tls-cert and --tls-key go together", "--tls-key", privateKey.toString());
    }

    @Test
    void unreadableFiles_areRefused_namingTheFlag() {
        String missing = dir.resolve("missing.pem").toString();
        assertRefused("--tls-cert " + missing + " cannot be read", "--tls-cert", missing, "--tls-key", privateKey.toString());
        assertRefused("--hub-ca-cert " + missing + " cannot be read", "--hub-ca-cert", missing);
    }

    @Test
    void unknownCredential_isRefused_listingTheModes() {
        assertRefused("--credential must be one of default, managed-identity", "--credential", "password");
    }

    @Test
    void badDurations_areRefused_namingTheFlag() {
        assertRefused("--upstream-timeout must be a duration", "--upstream-timeout", "10 seconds");
        assertRefused("--upstream-timeout must be a duration", "--upstream-timeout", "1.5s");
        assertRefused("--shutdown-grace must be a duration", "--shutdown-grace", "");
        assertRefused("--shutdown-grace must be a duration", "--shutdown-grace", "20x");
    }

    @Test
    void negativeOrZeroTimeBudgets_areRefused_namingTheFlag() {
        assertRefused("--shutdown-grace", "--shutdown-grace", "-5s");
        assertRefused("--upstream-timeout", "--upstream-timeout", "-1s");
        assertRefused("--upstream-timeout", "--upstream-timeout", "0s");
    }

    @Test
    void sasWithoutKey_isRefused_withoutEchoingTheKey() {
        assertRefused("--credential sas needs --hub-connection-string, or --sas-key-name and --sas-key",
                "--hub-host", "127.0.0.1:8443", "--credential", "sas", "--sas-key-name", "iothubowner");
        assertThatThrownBy(() -> GatewayOptions.parse("--credential", "sas", "--sas-key", KEY))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain(KEY);
    }

    @Test
    void connectionStringWithoutHostName_isRefused_withoutEchoingTheKey() {
        assertThatThrownBy(() -> GatewayOptions.parse("--hub-connection-string",
                "SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--hub-connection-string")
                .message().doesNotContain(KEY);
    }

    @Test
    void connectionStringWithoutItsKey_isRefused_namingTheMissingField() {
        assertRefused("--hub-connection-string has no SharedAccessKey",
                "--insecure-no-auth", "--hub-connection-string", "HostName=h.azure-devices.net;SharedAccessKeyName=iothubowner");
        assertRefused("--hub-connection-string has no SharedAccessKeyName",
                "--insecure-no-auth", "--hub-connection-string", "HostName=h.azure-devices.net;SharedAccessKey=" + KEY);
    }

    @Test
    void outOfRangeNumbers_areRefused_namingTheFlag() {
        assertRefused("--port must be 0 to 65535", "--port", "70000");
        assertRefused("--max-concurrent-calls", "--max-concurrent-calls", "0");
        assertRefused("--max-queued-calls", "--max-queued-calls", "0");
        assertThatThrownBy(() -> GatewayOptions.parse("--port", "http"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--port");
    }

    private static void assertRefused(String message, String... args) {
        assertThatThrownBy(() -> GatewayOptions.parse(args))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void accessPolicy_isLoadedFromTheFile() throws Exception {
        String methods = AccessPolicy.apiMethods().stream().map(m -> "\"" + m + "\": [\"Operator\"]")
                .collect(java.util.stream.Collectors.joining(","));
        Path file = Files.writeString(dir.resolve("policy.json"), "{\"methods\": {" + methods + "}}");

        GatewayConfig config = GatewayOptions.parse("--access-policy", file.toString());

        assertThat(config.accessPolicy().rolesFor("hubgate.v1.RegistryService/DeleteDevice")).containsExactly("Operator");
    }

    @Test
    void badAccessPolicy_isRefused_namingTheFlagAndTheProblem() throws Exception {
        Path file = Files.writeString(dir.resolve("bad-policy.json"), "{\"methods\": {\"hubgate.v1.Nope/Get\": []}}");
        assertRefused("--access-policy: access policy " + file + " names an unknown method \"hubgate.v1.Nope/Get\"",
                "--access-policy", file.toString());
        assertRefused("--access-policy: access policy " + dir.resolve("none.json") + " cannot be read",
                "--access-policy", dir.resolve("none.json").toString());
    }
}
