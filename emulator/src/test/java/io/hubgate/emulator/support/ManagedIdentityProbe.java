package io.hubgate.emulator.support;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ManagedIdentityCredential;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;

/**
 * Runs in a child JVM whose environment holds {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER}
 * (MSAL reads them only from the real process environment). Arguments: the hub's host:port, a
 * device id to create, and optionally a user-assigned identity's client id. It prints what it
 * got, one {@code key=value} per line, for the parent test to check.
 */
public final class ManagedIdentityProbe {

    private ManagedIdentityProbe() {
    }

    public static void main(String[] args) {
        ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder();
        if (args.length > 2) {
            builder.clientId(args[2]);
        }
        ManagedIdentityCredential credential = builder.build();
        AccessToken token = credential.getTokenSync(new TokenRequestContext().addScopes("https://iothubs.azure.net/.default"));
        System.out.println("token.length=" + token.getToken().length());
        System.out.println("token.expiresInMinutes=" + java.time.Duration.between(java.time.OffsetDateTime.now(), token.getExpiresAt()).toMinutes());
        try {
            new RegistryClient(args[0], credential).addDevice(new Device(args[1]));
            System.out.println("addDevice=ok");
        } catch (Exception e) {
            System.out.println("addDevice=" + e.getClass().getSimpleName());
        }
        System.out.flush();
        System.exit(0);
    }
}
