package io.hubgate.server;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.util.Configuration;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.auth.BuiltInRole;
import io.hubgate.emulator.entra.ClientCertificate;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraApplication;
import io.hubgate.emulator.support.ManagedIdentityProcess;
import io.hubgate.emulator.support.TestClientCertificate;
import io.hubgate.server.config.CredentialMode;
import io.hubgate.server.config.CredentialSettings;
import io.hubgate.server.credential.CredentialProvider;
import io.hubgate.server.credential.RefreshingTokenCredential;
import io.hubgate.server.credential.SasCredentials;
import io.hubgate.server.support.CredentialFixtures;
import io.hubgate.server.support.CredentialManagedIdentityProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every credential mode of {@link CredentialProvider} against an emulator's local Entra: the
 * provider's credential gets a token, and the official SDK creates a device with it. Managed
 * identity runs in a child JVM, because MSAL reads its variables only from the process environment.
 */
class CredentialProviderTest {

    private static final String IOT_HUB_SCOPE = "https://iothubs.azure.net/.default";
    private static final String CERT_APP = "cert-app";
    private static final TestClientCertificate CLIENT_CERTIFICATE = TestClientCertificate.generate(CERT_APP);
    private static final EntraApplication CERT_APPLICATION = DefaultDirectory.application(CERT_APP)
            .withCertificate(ClientCertificate.of(CLIENT_CERTIFICATE.certificate()));

    private static IotHubEmulator emulator;
    private static EmulatorCoordinates hub;

    @BeforeAll
    static void start() {
        emulator = CredentialFixtures.emulator().entraDirectory(DefaultDirectory.builder()
                .application(CERT_APPLICATION)
                .assignHubRole(CERT_APP, BuiltInRole.DATA_CONTRIBUTOR).build()).build().start();
        hub = emulator.coordinates();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    /** AZURE_AUTHORITY_HOST and AZURE_TENANT_ID of the emulator, plus the given variables. */
    private static Configuration azure(Map<String, String> more) {
        Map<String, String> variables = new HashMap<>(Map.of(
                Configuration.PROPERTY_AZURE_AUTHORITY_HOST, hub.entra().authorityHost(),
                Configuration.PROPERTY_AZURE_TENANT_ID, hub.entra().tenantId()));
        variables.putAll(more);
        return CredentialFixtures.configuration(variables);
    }

    private static Map<String, String> gatewayApp() {
        return Map.of(Configuration.PROPERTY_AZURE_CLIENT_ID, hub.entra().application(DefaultDirectory.GATEWAY).clientId(),
                Configuration.PROPERTY_AZURE_CLIENT_SECRET, hub.entra().application(DefaultDirectory.GATEWAY).secret());
    }

    private static RefreshingTokenCredential create(Configuration environment, CredentialMode mode) {
        return new CredentialProvider(environment, CredentialFixtures.TRUST.identityHttpClient())
                .create(CredentialSettings.of(mode));
    }

    /** The credential gets a live token for IoT Hub, and the SDK creates and reads a device with it. */
    private static void assertWorksWithTheSdk(RefreshingTokenCredential credential) throws Exception {
        AccessToken token = credential.getTokenSync(new TokenRequestContext().addScopes(IOT_HUB_SCOPE));
        assertThat(token.getToken()).isNotBlank();
        assertThat(token.getExpiresAt()).isAfter(OffsetDateTime.now());

        String deviceId = CredentialFixtures.createDeviceWith(hub, credential);

        assertThat(emulator.store().get(deviceId)).isNotNull();
        assertThat(credential.fetchCount()).as("the SDK's calls reuse the provider's token").isEqualTo(1);
    }

    @Test
    void clientSecret_getsATokenTheSdkUses() throws Exception {
        try (RefreshingTokenCredential credential = create(azure(gatewayApp()), CredentialMode.CLIENT_SECRET)) {
            assertWorksWithTheSdk(credential);
        }
    }

    @Test
    void clientCertificate_fromAPemWithKeyAndCertificate_getsATokenTheSdkUses(@TempDir Path dir) throws Exception {
        Path pem = CLIENT_CERTIFICATE.writeKeyAndCertificate(dir.resolve("cert-app.pem"));
        Configuration environment = azure(Map.of(
                Configuration.PROPERTY_AZURE_CLIENT_ID, CERT_APPLICATION.clientId(),
                Configuration.PROPERTY_AZURE_CLIENT_CERTIFICATE_PATH, pem.toString()));

        try (RefreshingTokenCredential credential = create(environment, CredentialMode.CLIENT_CERTIFICATE)) {
            assertWorksWithTheSdk(credential);
        }
    }

    @Test
    void clientCertificate_fromAPasswordProtectedPkcs12_getsATokenTheSdkUses(@TempDir Path dir) throws Exception {
        Path pfx = CLIENT_CERTIFICATE.writePkcs12(dir.resolve("cert-app.pfx"), "s3cret-pass");
        Configuration environment = azure(Map.of(
                Configuration.PROPERTY_AZURE_CLIENT_ID, CERT_APPLICATION.clientId(),
                Configuration.PROPERTY_AZURE_CLIENT_CERTIFICATE_PATH, pfx.toString(),
                "AZURE_CLIENT_CERTIFICATE_PASSWORD", "s3cret-pass"));

        try (RefreshingTokenCredential credential = create(environment, CredentialMode.CLIENT_CERTIFICATE)) {
            assertWorksWithTheSdk(credential);
        }
    }

    @Test
    void clientCertificate_notRegisteredWithTheApp_isRefused(@TempDir Path dir) throws Exception {
        Path pem = TestClientCertificate.generate("impostor").writeKeyAndCertificate(dir.resolve("impostor.pem"));
        Configuration environment = azure(Map.of(
                Configuration.PROPERTY_AZURE_CLIENT_ID, CERT_APPLICATION.clientId(),
                Configuration.PROPERTY_AZURE_CLIENT_CERTIFICATE_PATH, pem.toString()));

        try (RefreshingTokenCredential credential = create(environment, CredentialMode.CLIENT_CERTIFICATE)) {
            assertThatThrownBy(() -> credential.getTokenSync(new TokenRequestContext().addScopes(IOT_HUB_SCOPE)))
                    .isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void workloadIdentity_fromAFederatedTokenFile_getsATokenTheSdkUses(@TempDir Path dir) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"),
                hub.entra().federatedToken(DefaultDirectory.GATEWAY_WORKLOAD_SUBJECT));
        Configuration environment = azure(Map.of(
                Configuration.PROPERTY_AZURE_CLIENT_ID, hub.entra().application(DefaultDirectory.GATEWAY).clientId(),
                "AZURE_FEDERATED_TOKEN_FILE", tokenFile.toString()));

        try (RefreshingTokenCredential credential = create(environment, CredentialMode.WORKLOAD_IDENTITY)) {
            assertWorksWithTheSdk(credential);
        }
    }

    @Test
    void defaultAzureCredential_fromTheEnvironmentVariables_withALocalAuthority_getsATokenTheSdkUses() throws Exception {
        // The provider disables instance discovery for a loopback authority; without that MSAL
        // would ask login.microsoftonline.com and fail.
        try (RefreshingTokenCredential credential = create(azure(gatewayApp()), CredentialMode.DEFAULT)) {
            assertWorksWithTheSdk(credential);
        }
    }

    @Test
    void managedIdentity_inAChildProcessWithIdentityEndpoint_getsATokenTheSdkUses() throws Exception {
        String deviceId = CredentialFixtures.uniqueId("mi");

        Map<String, String> output = runManagedIdentityProbe(deviceId);

        assertThat(output).containsEntry("addDevice", "ok").containsEntry("tokenRequests", "1");
        assertThat(Integer.parseInt(output.get("token.expiresInMinutes"))).isBetween(60, 90);
        assertThat(emulator.store().get(deviceId)).isNotNull();
    }

    @Test
    void managedIdentity_userAssignedReader_getsATokenButCannotCreateDevices() throws Exception {
        String deviceId = CredentialFixtures.uniqueId("mi-reader");

        Map<String, String> output = runManagedIdentityProbe(deviceId, DefaultDirectory.clientIdOf(DefaultDirectory.USER_IDENTITY));

        assertThat(output).containsKey("token.length").containsEntry("addDevice", "IotHubUnauthorizedException");
        assertThat(emulator.store().get(deviceId)).isNull();
    }

    @Test
    void missingVariables_areNamedInTheError() {
        CredentialProvider provider = new CredentialProvider(azure(Map.of()), null);
        Configuration noTenant = CredentialFixtures.configuration(gatewayApp());

        assertThatThrownBy(() -> provider.build(CredentialSettings.of(CredentialMode.CLIENT_SECRET)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AZURE_CLIENT_ID");
        assertThatThrownBy(() -> new CredentialProvider(azure(Map.of(Configuration.PROPERTY_AZURE_CLIENT_ID, "app")), null)
                .build(CredentialSettings.of(CredentialMode.CLIENT_SECRET)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AZURE_CLIENT_SECRET");
        assertThatThrownBy(() -> new CredentialProvider(noTenant, null).build(CredentialSettings.of(CredentialMode.CLIENT_SECRET)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AZURE_TENANT_ID");
        assertThatThrownBy(() -> new CredentialProvider(azure(Map.of(Configuration.PROPERTY_AZURE_CLIENT_ID, "app")), null)
                .build(CredentialSettings.of(CredentialMode.CLIENT_CERTIFICATE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AZURE_CLIENT_CERTIFICATE_PATH");
        assertThatThrownBy(() -> new CredentialProvider(azure(Map.of(Configuration.PROPERTY_AZURE_CLIENT_ID, "app")), null)
                .build(CredentialSettings.of(CredentialMode.WORKLOAD_IDENTITY)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AZURE_FEDERATED_TOKEN_FILE");
        assertThatThrownBy(() -> provider.build(CredentialSettings.of(CredentialMode.SAS)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SasCredentials");
    }

    @Test
    void sas_fromKeyNameAndKey_withAHostAndPort_isAcceptedByTheSdk() throws Exception {
        String key = hub.policy("iothubowner").keys().primaryKey();
        try (SasCredentials sas = SasCredentials.fromKey(hub.hostWithPort(), "iothubowner", key)) {
            String deviceId = CredentialFixtures.uniqueId("sas");

            new RegistryClient(hub.hostWithPort(), sas.credential()).addDevice(new com.microsoft.azure.sdk.iot.service.registry.Device(deviceId));

            assertThat(emulator.store().get(deviceId)).isNotNull();
            assertThat(sas.toString()).doesNotContain(key);
            assertThat(sas.credential().getSignature()).contains("skn=iothubowner").doesNotContain(key);
        }
    }

    @Test
    void sas_fromAConnectionString_signsForItsHostName() throws Exception {
        String key = hub.policy("iothubowner").keys().primaryKey();
        String connectionString = "HostName=" + hub.hubHostName() + ";SharedAccessKeyName=iothubowner;SharedAccessKey=" + key;
        try (SasCredentials sas = SasCredentials.fromConnectionString(connectionString)) {
            String deviceId = CredentialFixtures.uniqueId("sas-cs");

            // The emulator accepts a token for its hub host name on any connection.
            new RegistryClient(hub.hostWithPort(), sas.credential()).addDevice(new com.microsoft.azure.sdk.iot.service.registry.Device(deviceId));

            assertThat(sas.hostName()).isEqualTo(hub.hubHostName());
            assertThat(sas.credential().getSignature()).contains("sr=" + hub.hubHostName().toLowerCase());
            assertThat(emulator.store().get(deviceId)).isNotNull();
        }
    }

    @Test
    void sas_malformedConnectionStrings_areRefusedWithoutTheKeyInTheMessage() {
        String key = "c2VjcmV0LWtleS1tYXRlcmlhbC0xMjM0NTY3ODkwMTI=";

        assertThatThrownBy(() -> SasCredentials.fromConnectionString("HostName=h.azure-devices.net;SharedAccessKey=" + key))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SharedAccessKeyName")
                .message().doesNotContain(key);
        assertThatThrownBy(() -> SasCredentials.fromConnectionString("SharedAccessKeyName=iothubowner;SharedAccessKey=" + key))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HostName")
                .message().doesNotContain(key);
        assertThatThrownBy(() -> SasCredentials.fromConnectionString(key))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain(key);
        assertThatThrownBy(() -> SasCredentials.fromConnectionString(
                "HostName=h.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=not*base64" + key))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base64")
                .message().doesNotContain(key);
    }

    private static Map<String, String> runManagedIdentityProbe(String deviceId, String... clientId) throws Exception {
        List<String> args = new ArrayList<>(List.of(hub.hostWithPort(), hub.certificatePath().toString(), deviceId));
        args.addAll(List.of(clientId));
        Map<String, String> values = ManagedIdentityProcess.run(hub, CredentialManagedIdentityProbe.class,
                List.of("-Dhubgate.log.level=warn"), args);
        assertThat(values).doesNotContainKey("failure");
        return values;
    }
}
