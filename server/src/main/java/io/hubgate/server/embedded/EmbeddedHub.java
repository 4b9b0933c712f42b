package io.hubgate.server.embedded;

import com.azure.core.util.Configuration;
import com.azure.core.util.ConfigurationBuilder;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.server.auth.AuthSettings;
import io.hubgate.server.config.CredentialMode;
import io.hubgate.server.config.CredentialSettings;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.credential.CredentialProvider;
import io.hubgate.server.credential.HubTrust;
import io.hubgate.server.credential.RefreshingTokenCredential;
import io.hubgate.server.hub.HubClients;
import io.hubgate.server.hub.HubConnection;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What "no hub configured" means, in one place: the gateway starts the local IoT Hub emulator in
 * its own process and runs against it on the production path. A real client-secret credential of
 * {@value #GATEWAY_APP} gets real tokens from the emulator's Entra issuer, the real SDK calls its
 * REST API over HTTPS, and — unless the user configured a JWT issuer — callers present tokens of
 * that same issuer ({@link #callerAuth}). It also says how a caller gets such a token
 * ({@link #callerHint}, {@link DevelopmentEnvironment}).
 *
 * <p>This package is the only one of the server that knows the emulator; the rest of the gateway
 * sees a {@link HubConnection} like any other. It does not decide whether the hub is embedded
 * ({@link GatewayConfig#embeddedHub()} does) and adds nothing to the data path.
 */
public final class EmbeddedHub {

    /** The app registration the embedded emulator's directory gives the gateway (IoT Hub Data Contributor). */
    public static final String GATEWAY_APP = "hubgate-gateway";

    private final IotHubEmulator emulator;
    private final HubConnection connection;

    private EmbeddedHub(IotHubEmulator emulator, HubConnection connection) {
        this.emulator = emulator;
        this.connection = connection;
    }

    /**
     * Starts an emulator on a free port and connects to it as to a remote hub: its certificate is
     * trusted, and the credential is a client secret of {@value #GATEWAY_APP} at its Entra issuer.
     * Closing {@link #connection()} stops the emulator too.
     */
    public static EmbeddedHub start() {
        IotHubEmulator emulator = IotHubEmulator.builder().port(0).build().start();
        try {
            EmulatorCoordinates at = emulator.coordinates();
            HubTrust trust = HubTrust.with(List.of(at.certificate().certificate()));
            trust.installForHttpsUrlConnection();
            EntraCoordinates entra = at.entra();
            EntraCoordinates.ClientCredentials app = entra.application(GATEWAY_APP);
            Configuration environment = new ConfigurationBuilder(new EmptySource(), new EmptySource(), new MapSource(Map.of(
                    Configuration.PROPERTY_AZURE_AUTHORITY_HOST, entra.authorityHost(),
                    Configuration.PROPERTY_AZURE_TENANT_ID, entra.tenantId(),
                    Configuration.PROPERTY_AZURE_CLIENT_ID, app.clientId(),
                    Configuration.PROPERTY_AZURE_CLIENT_SECRET, app.secret()))).build();
            RefreshingTokenCredential credential = new CredentialProvider(environment, trust.identityHttpClient())
                    .create(CredentialSettings.of(CredentialMode.CLIENT_SECRET));
            HubConnection connection = HubConnection.of(HubClients.withToken(at.hostWithPort(), credential, trust.sslContext()),
                    "embedded emulator " + at.baseUrl() + " (credential: client-secret of " + GATEWAY_APP
                            + " from its local Entra, tenant " + entra.tenantId() + ")",
                    credential, () -> {
                        try (emulator) {
                            credential.close();
                        }
                    });
            return new EmbeddedHub(emulator, connection);
        } catch (RuntimeException e) {
            emulator.close();
            throw e;
        }
    }

    /** The gateway's link to this hub; closing it stops the emulator. */
    public HubConnection connection() {
        return connection;
    }

    /** The running emulator: its coordinates, store, simulated devices and fault injector. */
    public IotHubEmulator emulator() {
        return emulator;
    }

    /**
     * How callers authenticate on this hub: as {@code configured}, except that with authentication
     * on and no JWT issuer configured, callers use tokens of the emulator's issuer for
     * {@value DefaultDirectory#API_URI} (the audience is also the API app's client id, the form
     * Entra puts in v2 tokens requested by client id).
     */
    public AuthSettings callerAuth(AuthSettings configured) {
        if (configured.disabled() || configured.jwtConfigured()) {
            return configured;
        }
        EntraCoordinates entra = emulator.coordinates().entra();
        return configured.withJwt(List.of(entra.issuer()),
                List.of(DefaultDirectory.API_URI, entra.application(DefaultDirectory.API).clientId()), entra.jwksUri());
    }

    /**
     * The startup line that tells a user how callers get a token, or null when that is not the
     * gateway's to say (callers not authenticated by the emulator's issuer). With {@code envFile}:
     * how to load it. Without: the token endpoint, and that {@code --dev-env-file} hands over
     * {@value DefaultDirectory#SERVICE}'s credentials; no other application is named, since the
     * embedded mode reveals none of their secrets.
     */
    public String callerHint(AuthSettings configured, Path envFile) {
        if (configured.disabled() || configured.jwtConfigured()) {
            return null;
        }
        String roles = String.join(", ", DefaultDirectory.SERVICE_ROLES);
        if (envFile != null) {
            return "Caller credentials of " + DefaultDirectory.SERVICE + " (" + roles + ") and this gateway's address "
                    + "are in " + envFile + ", readable by you only; in another shell: set -a; . " + envFile + "; set +a";
        }
        EntraCoordinates entra = emulator.coordinates().entra();
        return "Callers get a token with client credentials at " + entra.tokenEndpoint() + ", scope "
                + DefaultDirectory.API_URI + "/.default. The embedded emulator's client secrets are never printed: "
                + "start with --dev-env-file FILE to have " + DefaultDirectory.SERVICE + "'s (" + roles
                + ") written to an owner-only file.";
    }

    /** What a client in another process needs to call the gateway on {@code port}: see {@link DevelopmentEnvironment}. */
    public Map<String, String> developmentEnvironment(GatewayConfig config, int port) {
        return DevelopmentEnvironment.of(emulator.coordinates(), config, port);
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
