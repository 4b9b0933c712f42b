package io.hubgate.emulator;

import com.azure.core.credential.TokenCredential;
import com.azure.core.util.Configuration;
import com.azure.core.util.ConfigurationBuilder;
import com.azure.core.util.ConfigurationSource;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.hubgate.emulator.entra.ClientCertificate;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraApplication;
import io.hubgate.emulator.support.EntraClients;
import io.hubgate.emulator.support.ManagedIdentityProbe;
import io.hubgate.emulator.support.ManagedIdentityProcess;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.TestClientCertificate;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official service SDK authenticated by real azure-identity credentials whose tokens come
 * from the emulator's local Entra: client secret, client certificate, workload identity,
 * DefaultAzureCredential (configured through {@link Configuration}) and managed identity (in a
 * child JVM, because MSAL reads the managed-identity variables only from the process environment).
 */
class EntraCredentialSdkTest {

    private static final ConfigurationSource EMPTY = source -> Collections.emptyMap();

    /** Creates a device with the credential, then reads it back and patches its twin. */
    private static void assertCanUseTheHub(EmulatorCoordinates hub, TokenCredential credential) throws IOException, IotHubException {
        String deviceId = TestHub.uniqueId("entra");
        RegistryClient registry = new RegistryClient(hub.hostWithPort(), credential);
        registry.addDevice(new Device(deviceId));
        assertThat(registry.getDevice(deviceId).getDeviceId()).isEqualTo(deviceId);
        TwinClient twins = new TwinClient(hub.hostWithPort(), credential);
        Twin twin = twins.get(deviceId);
        twin.getTags().put("credential", "works");
        twins.patch(twin);
        assertThat(new QueryClient(hub.hostWithPort(), credential)
                .queryTwins("SELECT * FROM devices WHERE tags.credential = 'works' AND deviceId = '" + deviceId + "'").hasNext())
                .isTrue();
    }

    @Test
    void clientSecretCredential_createsReadsPatchesAndQueries() throws Exception {
        EmulatorCoordinates hub = TestHub.coordinates();

        assertCanUseTheHub(hub, EntraClients.clientSecret(hub, DefaultDirectory.GATEWAY));
    }

    @Test
    void clientCertificateCredential_withARegisteredCertificate_isAccepted(@TempDir Path dir) throws Exception {
        TestClientCertificate certificate = TestClientCertificate.generate("cert-app");
        EntraApplication application = DefaultDirectory.application("cert-app")
                .withCertificate(ClientCertificate.of(certificate.certificate()));
        try (IotHubEmulator emulator = TestHub.privateEmulator().entraDirectory(DefaultDirectory.builder()
                .application(application)
                .assignHubRole("cert-app", io.hubgate.emulator.auth.BuiltInRole.DATA_CONTRIBUTOR).build()).build().start()) {
            EmulatorCoordinates hub = emulator.coordinates();
            TokenCredential credential = new ClientCertificateCredentialBuilder()
                    .authorityHost(hub.entra().authorityHost()).tenantId(hub.entra().tenantId())
                    .clientId(application.clientId())
                    .pemCertificate(certificate.writeKeyAndCertificate(dir.resolve("cert-app.pem")).toString())
                    .disableInstanceDiscovery().httpClient(EntraClients.trustingHttpClient()).build();

            assertCanUseTheHub(hub, credential);
        }
    }

    @Test
    void workloadIdentityCredential_withAFederatedTokenFile_isAccepted(@TempDir Path dir) throws Exception {
        EmulatorCoordinates hub = TestHub.coordinates();
        Path tokenFile = Files.writeString(dir.resolve("token"), hub.entra().federatedToken(DefaultDirectory.GATEWAY_WORKLOAD_SUBJECT));
        TokenCredential credential = new WorkloadIdentityCredentialBuilder()
                .authorityHost(hub.entra().authorityHost()).tenantId(hub.entra().tenantId())
                .clientId(hub.entra().application(DefaultDirectory.GATEWAY).clientId())
                .tokenFilePath(tokenFile.toString())
                .disableInstanceDiscovery().httpClient(EntraClients.trustingHttpClient()).build();

        assertCanUseTheHub(hub, credential);
    }

    @Test
    void defaultAzureCredential_configuredThroughConfiguration_usesTheClientSecret() throws Exception {
        EmulatorCoordinates hub = TestHub.coordinates();
        Configuration configuration = new ConfigurationBuilder(EMPTY, EMPTY, EMPTY)
                .putProperty("AZURE_AUTHORITY_HOST", hub.entra().authorityHost())
                .putProperty("AZURE_TENANT_ID", hub.entra().tenantId())
                .putProperty("AZURE_CLIENT_ID", hub.entra().application(DefaultDirectory.GATEWAY).clientId())
                .putProperty("AZURE_CLIENT_SECRET", hub.entra().application(DefaultDirectory.GATEWAY).secret())
                .build();
        TokenCredential credential = new DefaultAzureCredentialBuilder().configuration(configuration)
                .disableInstanceDiscovery().httpClient(EntraClients.trustingHttpClient()).build();

        assertCanUseTheHub(hub, credential);
    }

    @Test
    void managedIdentityCredential_inAChildProcess_getsASystemAssignedToken() throws Exception {
        EmulatorCoordinates hub = TestHub.coordinates();
        String deviceId = TestHub.uniqueId("mi");

        Map<String, String> output = runProbe(hub, deviceId);

        assertThat(output).containsEntry("addDevice", "ok");
        assertThat(Integer.parseInt(output.get("token.expiresInMinutes"))).isBetween(60, 90);
        assertThat(new RawHub(hub).call("GET", "/devices/" + deviceId, null).status()).isEqualTo(200);
    }

    @Test
    void managedIdentityCredential_withAUserAssignedReaderIdentity_cannotCreateDevices() throws Exception {
        EmulatorCoordinates hub = TestHub.coordinates();
        String deviceId = TestHub.uniqueId("mi-reader");

        Map<String, String> output = runProbe(hub, deviceId, DefaultDirectory.clientIdOf(DefaultDirectory.USER_IDENTITY));

        assertThat(output).containsEntry("addDevice", "IotHubUnauthorizedException").containsKey("token.length");
        assertThat(new RawHub(hub).call("GET", "/devices/" + deviceId, null).status()).isEqualTo(404);
    }

    private static Map<String, String> runProbe(EmulatorCoordinates hub, String... args) throws Exception {
        Path trustStore = hub.certificatePath().resolveSibling(IotHubEmulator.TRUST_STORE_FILE);
        List<String> probeArgs = new ArrayList<>(List.of(hub.hostWithPort()));
        probeArgs.addAll(List.of(args));
        return ManagedIdentityProcess.run(hub, ManagedIdentityProbe.class, List.of("-Djavax.net.ssl.trustStore=" + trustStore,
                "-Djavax.net.ssl.trustStorePassword=" + IotHubEmulator.TRUST_STORE_PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12"), probeArgs);
    }
}
