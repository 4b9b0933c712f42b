package io.hubgate.server.hub;

import com.azure.core.util.Configuration;
import com.azure.core.util.ConfigurationBuilder;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.server.config.CredentialMode;
import io.hubgate.server.config.CredentialSettings;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.config.HubTarget;
import io.hubgate.server.credential.CredentialProvider;
import io.hubgate.server.credential.HubTokenStatus;
import io.hubgate.server.credential.HubTrust;
import io.hubgate.server.credential.RefreshingTokenCredential;
import io.hubgate.server.credential.SasCredentials;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The gateway's link to IoT Hub: the SDK clients and the one credential behind them, and — with
 * no hub configured — the embedded emulator they talk to. The embedded path is the production
 * path pointed at a local hub: a real client-secret credential gets real tokens from the
 * emulator's Entra issuer, and the real SDK calls its REST API over HTTPS.
 */
public final class HubConnection implements AutoCloseable {

    /**
     * HttpURLConnection, under the SDK, resends a request once when its connection fails before
     * the answer: PUT and DELETE always, POST unless this property is false. A resent direct
     * method runs on the device twice, a resent twin PATCH (sent as POST) turns an applied
     * conditional write into ABORTED. The JDK reads the property once, when its HTTP client class
     * first loads, so it is set when this class loads: before the gateway's first request.
     */
    public static final String RETRY_POST_PROPERTY = "sun.net.http.retryPost";

    static {
        System.setProperty(RETRY_POST_PROPERTY, "false");
    }

    /** The app registration the embedded emulator's directory gives the gateway (IoT Hub Data Contributor). */
    public static final String EMBEDDED_GATEWAY_APP = "hubgate-gateway";

    private final HubClients clients;
    private final String description;
    private final AutoCloseable credential;
    private final HubTokenStatus tokenStatus;
    private final IotHubEmulator embedded;

    private <C extends AutoCloseable & HubTokenStatus> HubConnection(HubClients clients, String description, C credential,
                                                                     IotHubEmulator embedded) {
        this.clients = clients;
        this.description = description;
        this.credential = credential;
        this.tokenStatus = credential;
        this.embedded = embedded;
    }

    /**
     * Connects to the configured hub, or starts the embedded emulator when none is configured;
     * Azure's variables are read from {@code environment} (the process environment, or what tests
     * and hosts that configure azure-identity in code give).
     */
    public static HubConnection open(GatewayConfig config, Configuration environment) throws IOException {
        // Read once by the JDK at its first HTTP connection: size the keep-alive pool for the
        // executor, or calls beyond the default 5 pay a new TLS handshake each.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(config.maxConcurrentCalls()));
        }
        return config.embeddedHub() ? embedded() : remote(config.hub(), config.credential(), environment);
    }

    private static HubConnection embedded() {
        IotHubEmulator emulator = IotHubEmulator.builder().port(0).build().start();
        try {
            EmulatorCoordinates at = emulator.coordinates();
            HubTrust trust = HubTrust.with(List.of(at.certificate().certificate()));
            trust.installForHttpsUrlConnection();
            EntraCoordinates entra = at.entra();
            EntraCoordinates.ClientCredentials app = entra.application(EMBEDDED_GATEWAY_APP);
            Configuration environment = new ConfigurationBuilder(new EmptySource(), new EmptySource(), new MapSource(Map.of(
                    Configuration.PROPERTY_AZURE_AUTHORITY_HOST, entra.authorityHost(),
                    Configuration.PROPERTY_AZURE_TENANT_ID, entra.tenantId(),
                    Configuration.PROPERTY_AZURE_CLIENT_ID, app.clientId(),
                    Configuration.PROPERTY_AZURE_CLIENT_SECRET, app.secret()))).build();
            RefreshingTokenCredential credential = new CredentialProvider(environment, trust.identityHttpClient())
                    .create(CredentialSettings.of(CredentialMode.CLIENT_SECRET));
            return new HubConnection(HubClients.withToken(at.hostWithPort(), credential, trust.sslContext()),
                    "embedded emulator " + at.baseUrl() + " (credential: client-secret of " + EMBEDDED_GATEWAY_APP
                            + " from its local Entra, tenant " + entra.tenantId() + ")",
                    credential, emulator);
        } catch (RuntimeException e) {
            emulator.close();
            throw e;
        }
    }

    private static HubConnection remote(HubTarget hub, CredentialSettings settings, Configuration environment)
            throws IOException {
        HubTrust trust = hub.caCertificate() == null ? HubTrust.jvmDefaults() : HubTrust.withPem(hub.caCertificate());
        trust.installForHttpsUrlConnection();
        if (settings.mode() == CredentialMode.SAS) {
            SasCredentials sas = settings.connectionString() != null
                    ? SasCredentials.fromConnectionString(settings.connectionString())
                    : SasCredentials.fromKey(hub.hostName(), settings.sasKeyName(), settings.sasKey());
            return new HubConnection(HubClients.withSas(hub.hostName(), sas.credential(), trust.sslContext()),
                    hub.hostName() + " (credential: sas, policy from configuration)", sas, null);
        }
        RefreshingTokenCredential credential = new CredentialProvider(environment, trust.identityHttpClient()).create(settings);
        return new HubConnection(HubClients.withToken(hub.hostName(), credential, trust.sslContext()),
                hub.hostName() + " (credential: " + settings.mode() + ")", credential, null);
    }

    public HubClients clients() {
        return clients;
    }

    /** Which hub and which credential mode, for the startup log (no secret in it). */
    public String description() {
        return description;
    }

    /** What the credential tells about its token (its age, its refreshes), for the metrics. */
    public HubTokenStatus tokenStatus() {
        return tokenStatus;
    }

    /** The embedded emulator, or null when a real hub is configured. */
    public IotHubEmulator embeddedEmulator() {
        return embedded;
    }

    @Override
    public void close() throws Exception {
        credential.close();
        if (embedded != null) {
            embedded.close();
        }
    }

    /** A configuration source with nothing in it (so the builder never reads the real environment). */
    private static final class EmptySource implements com.azure.core.util.ConfigurationSource {
        @Override
        public Map<String, String> getProperties(String prefix) {
            return Map.of();
        }
    }

    /** A configuration source over a fixed map. */
    private record MapSource(Map<String, String> values) implements com.azure.core.util.ConfigurationSource {
        @Override
        public Map<String, String> getProperties(String prefix) {
            return values;
        }
    }
}
