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
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Acquires a caller token from Entra ID (or the emulator's local Entra) with a client secret,
 * through azure-identity's {@code ClientSecretCredential}. It does not cache: the CLI makes one
 * call per run.
 */
final class TokenAcquisition {

    /** The token could not be acquired (bad arguments, unreachable authority, rejected secret). */
    static final class Failure extends RuntimeException {
        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private TokenAcquisition() {
    }

    /** An Entra v2 token endpoint: {@code https://<authority host>/<tenant>/oauth2/v2.0/token}. */
    private static final Pattern ENTRA_TOKEN_PATH = Pattern.compile("/([^/]+)/oauth2/v2\\.0/token/?");

    /**
     * A token from the Entra v2 token endpoint the sample clients' {@code HUBGATE_TOKEN_URL} names:
     * azure-identity takes it apart again into the authority host and the tenant.
     *
     * @throws IllegalArgumentException the URL is not an Entra v2 token endpoint
     */
    static String atTokenEndpoint(String tokenUrl, String clientId, String secret, Path caCert, String scope) {
        URI endpoint;
        try {
            endpoint = new URI(tokenUrl);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the token URL is not a URL: " + tokenUrl);
        }
        Matcher path = endpoint.getPath() == null ? null : ENTRA_TOKEN_PATH.matcher(endpoint.getPath());
        if (!"https".equalsIgnoreCase(endpoint.getScheme()) || endpoint.getRawAuthority() == null || path == null
                || !path.matches() || endpoint.getRawQuery() != null) {
            throw new IllegalArgumentException("the token URL must be an Entra v2 token endpoint, "
                    + "https://<authority host>/<tenant>/oauth2/v2.0/token, not " + tokenUrl);
        }
        return clientSecret(path.group(1), clientId, secret, "https://" + endpoint.getRawAuthority() + "/", caCert, scope);
    }

    static String clientSecret(String tenant, String clientId, String secret, String authority, Path authorityCaCert,
                               String scope) {
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
