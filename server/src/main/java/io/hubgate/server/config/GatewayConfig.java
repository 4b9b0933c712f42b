package io.hubgate.server.config;

import io.hubgate.server.auth.AccessPolicy;
import io.hubgate.server.auth.AuthSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The gateway's whole configuration: one immutable record, resolved from flags, environment and
 * defaults in one place ({@link GatewayOptions}), validated once.
 *
 * @param bindAddress        where gRPC listens (loopback by default)
 * @param port               gRPC port; 0 picks a free one
 * @param plaintext          no TLS: allowed only on a loopback address, for development
 * @param tlsCertificate     PEM certificate chain for callers' TLS (required unless plaintext)
 * @param tlsPrivateKey      PEM private key of {@code tlsCertificate}
 * @param hub                the IoT Hub; null runs the embedded emulator
 * @param credential         how the gateway authenticates to the hub (ignored for the embedded emulator)
 * @param maxConcurrentCalls upstream calls in flight at once (the bounded executor's size)
 * @param maxQueuedCalls     calls waiting for a slot before new ones are refused with RESOURCE_EXHAUSTED
 * @param upstreamTimeout    the longest any one IoT Hub call may take when the caller sets no deadline
 * @param shutdownGrace      how long in-flight calls may take to finish after SIGTERM
 * @param auth               how callers authenticate; off only on a plaintext loopback gateway
 * @param accessPolicy       which roles may call which method (the built-in least-privilege
 *                           policy unless a file is given); enforced whenever authentication is on
 * @param pageTokenKey       signs page tokens; null: a random key made at start (per process)
 */
public record GatewayConfig(String bindAddress, int port, boolean plaintext, Path tlsCertificate, Path tlsPrivateKey,
                            HubTarget hub, CredentialSettings credential, int maxConcurrentCalls, int maxQueuedCalls,
                            Duration upstreamTimeout, Duration shutdownGrace, AuthSettings auth,
                            AccessPolicy accessPolicy, PageTokenKey pageTokenKey) {

    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 50051;
    /** Upstream calls at once: enough to keep a hub busy, few enough for one JVM's keep-alive pool. */
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 64;
    public static final int DEFAULT_MAX_QUEUED_CALLS = 10_000;
    /** The SDK's own default read timeout. */
    public static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofSeconds(24);
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);

    public GatewayConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(upstreamTimeout, "upstreamTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(auth, "auth");
        if (auth.disabled() && !plaintext) {
            throw new IllegalArgumentException("--insecure-no-auth is for a plaintext loopback gateway only");
        }
        if (auth.disabled() && auth.anyConfigured()) {
            throw new IllegalArgumentException("--insecure-no-auth cannot go with JWT, client-certificate or API key settings");
        }
        if (auth.clientCa() != null && plaintext) {
            throw new IllegalArgumentException("--client-ca needs TLS: give --tls-cert and --tls-key");
        }
        if (hub != null && !auth.disabled() && !auth.anyConfigured()) {
            throw new IllegalArgumentException("no caller authentication configured: give --jwt-issuer and --jwt-audience, "
                    + "--client-ca, or --api-keys-file (or --insecure-no-auth, on a plaintext loopback gateway only)");
        }
        Objects.requireNonNull(accessPolicy, "accessPolicy");
    }

    /** Without a page token key: each process makes its own. */
    public GatewayConfig(String bindAddress, int port, boolean plaintext, Path tlsCertificate, Path tlsPrivateKey,
                         HubTarget hub, CredentialSettings credential, int maxConcurrentCalls, int maxQueuedCalls,
                         Duration upstreamTimeout, Duration shutdownGrace, AuthSettings auth, AccessPolicy accessPolicy) {
        this(bindAddress, port, plaintext, tlsCertificate, tlsPrivateKey, hub, credential, maxConcurrentCalls, maxQueuedCalls,
                upstreamTimeout, shutdownGrace, auth, accessPolicy, null);
    }

    /** True when the gateway starts its own emulator. */
    public boolean embeddedHub() {
        return hub == null;
    }

    /**
     * A configuration for tests and the quick start: loopback, plaintext, embedded hub, callers
     * authenticated by tokens of the emulator's issuer.
     */
    public static GatewayConfig localDevelopment(int port) {
        return new GatewayConfig(DEFAULT_BIND_ADDRESS, port, true, null, null, null,
                CredentialSettings.of(CredentialMode.CLIENT_SECRET), DEFAULT_MAX_CONCURRENT_CALLS,
                DEFAULT_MAX_QUEUED_CALLS, DEFAULT_UPSTREAM_TIMEOUT, DEFAULT_SHUTDOWN_GRACE, AuthSettings.defaults(),
                AccessPolicy.defaults());
    }

    /** Serves TLS with this certificate chain and key. */
    public GatewayConfig withTls(Path certificate, Path privateKey) {
        return new GatewayConfig(bindAddress, port, false, certificate, privateKey, hub, credential,
                maxConcurrentCalls, maxQueuedCalls, upstreamTimeout, shutdownGrace, auth, accessPolicy, pageTokenKey);
    }

    /** Signs page tokens with {@code key} (shared by replicas), or a per-process key when null. */
    public GatewayConfig withPageTokenKey(PageTokenKey key) {
        return new GatewayConfig(bindAddress, port, plaintext, tlsCertificate, tlsPrivateKey, hub, credential,
                maxConcurrentCalls, maxQueuedCalls, upstreamTimeout, shutdownGrace, auth, accessPolicy, key);
    }

    public GatewayConfig withAuth(AuthSettings newAuth) {
        return new GatewayConfig(bindAddress, port, plaintext, tlsCertificate, tlsPrivateKey, hub, credential,
                maxConcurrentCalls, maxQueuedCalls, upstreamTimeout, shutdownGrace, newAuth, accessPolicy, pageTokenKey);
    }
}
