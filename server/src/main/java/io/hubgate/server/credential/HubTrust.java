package io.hubgate.server.credential;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Which certificates the gateway trusts when it calls IoT Hub and its token issuer: the JVM's
 * default CAs, plus optionally extra certificates (a local emulator's self-signed one).
 *
 * <p>The IoT Hub SDK connects through {@code HttpsURLConnection} with the JVM-wide default socket
 * factory, and azure-identity through its own Netty client; both must be told, so this class
 * produces the one and the other from the same list.
 */
public final class HubTrust {

    private final List<X509Certificate> extra;

    private HubTrust(List<X509Certificate> extra) {
        this.extra = List.copyOf(extra);
    }

    /** The JVM's default CAs only (Azure). */
    public static HubTrust jvmDefaults() {
        return new HubTrust(List.of());
    }

    /** The JVM's default CAs plus the certificates in a PEM file. */
    public static HubTrust withPem(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends java.security.cert.Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> list = new ArrayList<>();
            certificates.forEach(certificate -> list.add((X509Certificate) certificate));
            if (list.isEmpty()) {
                throw new IOException(pem + " holds no PEM certificate");
            }
            return new HubTrust(list);
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    /** The JVM's default CAs plus these certificates. */
    public static HubTrust with(List<X509Certificate> certificates) {
        return new HubTrust(certificates);
    }

    public boolean isJvmDefault() {
        return extra.isEmpty();
    }

    /**
     * Makes the JVM's default HTTPS socket factory trust these certificates too: the IoT Hub SDK
     * has no other way to be given a trust store. A no-op for the JVM defaults.
     */
    public void installForHttpsUrlConnection() {
        if (isJvmDefault()) {
            return;
        }
        synchronized (INSTALLED) {
            // Add, never replace: two hubs in one JVM (tests, or an embedded emulator beside a
            // configured CA) must both stay trusted.
            INSTALLED.addAll(extra);
            javax.net.ssl.HttpsURLConnection.setDefaultSSLSocketFactory(
                    new HubTrust(new ArrayList<>(INSTALLED)).sslContext().getSocketFactory());
        }
    }

    /** Every certificate installed JVM-wide so far. */
    private static final java.util.Set<X509Certificate> INSTALLED = new java.util.LinkedHashSet<>();

    /** An HTTP client for azure-identity with the same trust; null means azure-identity's default. */
    public HttpClient identityHttpClient() {
        if (isJvmDefault()) {
            return null;
        }
        try {
            io.netty.handler.ssl.SslContext netty = SslContextBuilder.forClient().trustManager(trustManagerFactory()).build();
            return new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create()
                    .secure(spec -> spec.sslContext(netty))).build();
        } catch (IOException e) {
            throw new IllegalStateException("could not build a TLS context for azure-identity", e);
        }
    }

    /** A TLS context trusting the JVM's CAs and these certificates (the controlled upstream path's). */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagerFactory().getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not build a TLS context", e);
        }
    }

    private TrustManagerFactory trustManagerFactory() {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            int index = 0;
            for (javax.net.ssl.TrustManager manager : defaults.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate issuer : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("default-" + index++, issuer);
                    }
                }
            }
            for (X509Certificate certificate : extra) {
                store.setCertificateEntry("extra-" + index++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not build a trust store", e);
        }
    }
}
