package io.hubgate.emulator.support;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.identity.ClientSecretCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import io.hubgate.emulator.EmulatorCoordinates;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;

/**
 * azure-identity credentials that get their tokens from an emulator's local Entra. azure-identity
 * talks through Netty, which does not use the JVM's default socket factory, so its HTTP client is
 * given a TLS context that trusts {@link TestHub#CERTIFICATE}.
 */
public final class EntraClients {

    private EntraClients() {
    }

    /** A Netty HTTP client for azure-identity that trusts the test certificate. */
    public static HttpClient trustingHttpClient() {
        try {
            SslContext tls = SslContextBuilder.forClient().trustManager(TestHub.CERTIFICATE.certificate()).build();
            return new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create()
                    .secure(spec -> spec.sslContext(tls))).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build a client TLS context", e);
        }
    }

    /** A client-secret credential for an application of the emulator's directory, by display name. */
    public static ClientSecretCredential clientSecret(EmulatorCoordinates hub, String application) {
        return new ClientSecretCredentialBuilder()
                .authorityHost(hub.entra().authorityHost())
                .tenantId(hub.entra().tenantId())
                .clientId(hub.entra().application(application).clientId())
                .clientSecret(hub.entra().application(application).secret())
                .disableInstanceDiscovery()
                .httpClient(trustingHttpClient())
                .build();
    }
}
