package io.hubgate.server.hub;

import com.azure.core.util.Configuration;
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

/**
 * The gateway's link to IoT Hub: the SDK clients and the one credential behind them. The same for
 * a configured hub ({@link #open}) and the embedded one (made by {@code server.embedded}, which
 * alone knows the emulator, through {@link #of}).
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
        // The same for java.net.http's keep-alive, read when the JVM's first HttpClient is built:
        // building the Entra credential may build one (azure-core's default client), before the
        // controlled path's transport loads.
        io.hubgate.server.hub.rest.RestTransport.limitIdleConnections();
    }

    private final HubClients clients;
    private final String description;
    private final HubTokenStatus tokenStatus;
    private final AutoCloseable resources;

    private HubConnection(HubClients clients, String description, HubTokenStatus tokenStatus, AutoCloseable resources) {
        this.clients = clients;
        this.description = description;
        this.tokenStatus = tokenStatus;
        this.resources = resources;
    }

    /**
     * Sizes the JDK's keep-alive pool for {@code maxConcurrentCalls}, or calls beyond the default 5
     * pay a new TLS handshake each. The JDK reads the property once, at its first HTTP connection:
     * call this before connecting to any hub.
     */
    public static void sizeKeepAlivePool(int maxConcurrentCalls) {
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(maxConcurrentCalls));
        }
    }

    /**
     * Connects to the configured hub ({@code config.hub()}, not the embedded one); Azure's
     * variables are read from {@code environment} (the process environment, or what tests and
     * hosts that configure azure-identity in code give).
     */
    public static HubConnection open(GatewayConfig config, Configuration environment) throws IOException {
        if (config.embeddedHub()) {
            throw new IllegalArgumentException("no hub configured: the embedded hub is started by EmbeddedHub");
        }
        return remote(config.hub(), config.credential(), environment);
    }

    /**
     * A connection over {@code clients}; {@code description} names the hub and credential for the
     * startup log (no secret in it), {@code tokenStatus} is the credential's, and {@code resources}
     * are closed with the connection.
     */
    public static HubConnection of(HubClients clients, String description, HubTokenStatus tokenStatus,
                                   AutoCloseable resources) {
        return new HubConnection(clients, description, tokenStatus, resources);
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
                    hub.hostName() + " (credential: sas, policy from configuration)", sas, sas);
        }
        RefreshingTokenCredential credential = new CredentialProvider(environment, trust.identityHttpClient()).create(settings);
        return new HubConnection(HubClients.withToken(hub.hostName(), credential, trust.sslContext()),
                hub.hostName() + " (credential: " + settings.mode() + ")", credential, credential);
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

    @Override
    public void close() throws Exception {
        resources.close();
    }
}
