package io.hubgate.server.hub;

import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientSecretCredentialBuilder;

/**
 * Run in a fresh JVM (with class-load logging) by {@link KeepAliveTest}: does what the gateway
 * does before its controlled path exists — loads {@link HubConnection} when given
 * {@code load-gateway} (the first thing {@code Gateway.start} does), then builds an Entra client
 * secret credential with JVM-default trust and asks it for a token (refused at once: the authority
 * is a closed local port) — and prints the keep-alive property as it was when the credential was built.
 */
public final class KeepAliveProbe {

    private KeepAliveProbe() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("load-gateway")) {
            HubConnection.sizeKeepAlivePool(8);
        }
        System.out.println("keepalive-before-credential=" + System.getProperty("jdk.httpclient.keepalive.timeout"));
        var credential = new ClientSecretCredentialBuilder().tenantId("5f0b3c1e-6a2d-4e8b-9c47-2b1e0d3a7f64")
                .clientId("probe").clientSecret("probe-secret").authorityHost("https://127.0.0.1:1").build();
        try {
            credential.getTokenSync(new TokenRequestContext().addScopes("https://iothubs.azure.net/.default"));
        } catch (RuntimeException refused) {
            // expected: nothing listens there
        }
        System.out.println("probe-done");
    }
}
