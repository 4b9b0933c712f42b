package io.hubgate.server.support;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.util.Configuration;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.hubgate.server.config.CredentialMode;
import io.hubgate.server.config.CredentialSettings;
import io.hubgate.server.credential.CredentialProvider;
import io.hubgate.server.credential.HubTrust;
import io.hubgate.server.credential.RefreshingTokenCredential;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * Runs in a child JVM whose environment holds {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER}
 * (MSAL reads them only from the real process environment) and builds the gateway's credential in
 * managed-identity mode the way the gateway does: trust from the hub's CA certificate, Azure's
 * variables from the global configuration. Arguments: the hub's host:port, its CA certificate
 * (PEM), a device id to create, and optionally a user-assigned identity's client id. Prints one
 * {@code key=value} per line for the parent test.
 */
public final class CredentialManagedIdentityProbe {

    private CredentialManagedIdentityProbe() {
    }

    public static void main(String[] args) throws Exception {
        HubTrust trust = HubTrust.withPem(Path.of(args[1]));
        trust.installForHttpsUrlConnection();
        CredentialSettings settings = new CredentialSettings(CredentialMode.MANAGED_IDENTITY,
                args.length > 3 ? args[3] : null, null, null, null);
        try (RefreshingTokenCredential credential = new CredentialProvider(Configuration.getGlobalConfiguration(),
                trust.identityHttpClient()).create(settings)) {
            TokenRequestContext scope = new TokenRequestContext().addScopes("https://iothubs.azure.net/.default");
            AccessToken token = credential.getTokenSync(scope);
            System.out.println("token.length=" + token.getToken().length());
            System.out.println("token.expiresInMinutes=" + Duration.between(OffsetDateTime.now(), token.getExpiresAt()).toMinutes());
            try {
                new RegistryClient(args[0], credential).addDevice(new Device(args[2]));
                System.out.println("addDevice=ok");
            } catch (Exception e) {
                System.out.println("addDevice=" + e.getClass().getSimpleName());
            }
            System.out.println("tokenRequests=" + credential.fetchCount());
        } catch (Exception e) {
            System.out.println("failure=" + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        System.out.flush();
        System.exit(0);
    }
}
