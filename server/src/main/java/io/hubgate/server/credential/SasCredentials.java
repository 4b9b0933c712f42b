package io.hubgate.server.credential;

import com.azure.core.credential.AzureSasCredential;
import io.hubgate.common.ConnectionString;
import io.hubgate.common.SasToken;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Service SAS credentials from a shared access policy: signs a token for the hub (with
 * {@link SasToken}, the signer the emulator checks against) and renews it in the background
 * before it expires, through {@link AzureSasCredential#update}, so the SDK clients built on the
 * credential never send an expired one.
 *
 * <p>Thread-safe. {@link #toString()} shows neither key nor token.
 */
public final class SasCredentials implements HubTokenStatus, AutoCloseable {

    /** Tokens live an hour, as the SDK's own; they are renewed after three quarters of that. */
    public static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

    private final String hostName;
    private final String keyName;
    /** The policy key, base64 (checked to be). */
    private final String key;
    private final Clock clock;
    private final AzureSasCredential credential;
    private final ScheduledExecutorService renewer;
    /** When the token in {@link #credential} was signed. */
    private volatile Instant signedAt;
    private final java.util.concurrent.atomic.AtomicLong signed = new java.util.concurrent.atomic.AtomicLong();

    private SasCredentials(String hostName, String keyName, String base64Key, Clock clock) {
        this.hostName = Objects.requireNonNull(hostName);
        this.keyName = Objects.requireNonNull(keyName);
        try {
            Base64.getDecoder().decode(base64Key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the shared access key is not base64");
        }
        this.key = base64Key;
        this.clock = clock;
        this.credential = new AzureSasCredential(token());
        this.renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sas-renewal");
            thread.setDaemon(true);
            return thread;
        });
        long renewEvery = TOKEN_LIFETIME.toMillis() * 3 / 4;
        renewer.scheduleAtFixedRate(() -> credential.update(token()), renewEvery, renewEvery, TimeUnit.MILLISECONDS);
    }

    /** From {@code HostName=…;SharedAccessKeyName=…;SharedAccessKey=…} (a host without a port). */
    public static SasCredentials fromConnectionString(String connectionString) {
        ConnectionString parsed = ConnectionString.parse(connectionString);
        if (!parsed.isComplete()) {
            throw new IllegalArgumentException("the connection string needs HostName, SharedAccessKeyName and SharedAccessKey");
        }
        return new SasCredentials(parsed.hostName(), parsed.sharedAccessKeyName(), parsed.sharedAccessKey(), Clock.systemUTC());
    }

    /** For a host with a port (a local hub), which a connection string cannot carry. */
    public static SasCredentials fromKey(String hostName, String keyName, String base64Key) {
        return new SasCredentials(hostName, keyName, base64Key, Clock.systemUTC());
    }

    public String hostName() {
        return hostName;
    }

    /** The credential to build SDK clients with; its token is renewed in place. */
    public AzureSasCredential credential() {
        return credential;
    }

    private String token() {
        Instant now = clock.instant();
        String token = SasToken.create(hostName, keyName, key, now.plus(TOKEN_LIFETIME));
        signedAt = now;
        signed.incrementAndGet();
        return token;
    }

    @Override
    public Instant obtainedAt() {
        return signedAt;
    }

    @Override
    public Instant expiresAt() {
        Instant at = signedAt;
        return at == null ? null : at.plus(TOKEN_LIFETIME);
    }

    @Override
    public long refreshes() {
        return signed.get();
    }

    /** Signing with the key never fails once the key was read. */
    @Override
    public long refreshFailures() {
        return 0;
    }

    @Override
    public void close() {
        renewer.shutdownNow();
    }

    @Override
    public String toString() {
        return "SasCredentials[" + hostName + ", policy " + keyName + "]";
    }
}
