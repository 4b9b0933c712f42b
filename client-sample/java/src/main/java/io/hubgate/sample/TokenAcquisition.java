package io.hubgate.sample;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Acquires a caller token from Entra ID (or the emulator's local Entra) with a client secret. */
final class TokenAcquisition {

    /** The token could not be acquired (bad arguments, unreachable authority, rejected secret). */
    static final class Failure extends RuntimeException {
        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private TokenAcquisition() {
    }

    static String clientSecret(String tenant, String clientId, String secret, String authority, Path authorityCaCert,
                               String scope) {
        if (tenant == null || secret == null) {
            throw new Failure("--client-id needs --tenant and --client-secret", null);
        }
        ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder()
                .tenantId(tenant).clientId(clientId).clientSecret(secret);
        if (authority != null) {
            builder.authorityHost(authority);
            if (isLocal(authority)) {
                // A local authority (the emulator) is not a known cloud: skip instance discovery.
                builder.disableInstanceDiscovery();
            }
        }
        if (authorityCaCert != null) {
            builder.httpClient(trusting(authorityCaCert));
        }
        try {
            AccessToken token = builder.build().getTokenSync(new TokenRequestContext().addScopes(scope));
            return token.getToken();
        } catch (RuntimeException e) {
            throw new Failure(e.getMessage(), e);
        }
    }

    private static HttpClient trusting(Path caCert) {
        try {
            SslContext ssl = SslContextBuilder.forClient().trustManager(caCert.toFile()).build();
            return new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create()
                    .secure(spec -> spec.sslContext(ssl))).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new Failure("cannot use " + caCert + " as the authority's CA: " + e.getMessage(), e);
        }
    }

    private static boolean isLocal(String authority) {
        String host = URI.create(authority).getHost();
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    }
}
