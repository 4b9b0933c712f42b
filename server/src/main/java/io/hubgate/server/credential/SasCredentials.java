package io.hubgate.server.credential;

import com.azure.core.credential.AzureSasCredential;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Service SAS credentials from a shared access policy: signs a token for the hub and renews it
 * in the background before it expires, through {@link AzureSasCredential#update}, so the SDK
 * clients built on the credential never send an expired one.
 *
 * <p>Thread-safe. {@link #toString()} shows neither key nor token.
 */
public final class SasCredentials implements HubTokenStatus, AutoCloseable {

    /** Tokens live an hour, as the SDK's own; they are renewed after three quarters of that. */
    public static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

    private final String hostName;
    private final String keyName;
    private final byte[] key;
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
            this.key = Base64.getDecoder().decode(base64Key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the shared access key is not base64");
        }
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
        String host = null;
        String name = null;
        String key = null;
        for (String part : connectionString.split(";")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String field = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            switch (field.toLowerCase(Locale.ROOT)) {
                case "hostname" -> host = value;
                case "sharedaccesskeyname" -> name = value;
                case "sharedaccesskey" -> key = value;
                default -> { }
            }
        }
        if (host == null || name == null || key == null) {
            throw new IllegalArgumentException("the connection string needs HostName, SharedAccessKeyName and SharedAccessKey");
        }
        return new SasCredentials(host, name, key, Clock.systemUTC());
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
        String resource = URLEncoder.encode(hostName.toLowerCase(Locale.ROOT), StandardCharsets.UTF_8);
        Instant now = clock.instant();
        long expiry = now.plus(TOKEN_LIFETIME).getEpochSecond();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            String signature = Base64.getEncoder().encodeToString(
                    mac.doFinal((resource + "\n" + expiry).getBytes(StandardCharsets.UTF_8)));
            signedAt = now;
            signed.incrementAndGet();
            return "SharedAccessSignature sr=" + resource + "&sig=" + URLEncoder.encode(signature, StandardCharsets.UTF_8)
                    + "&se=" + expiry + "&skn=" + URLEncoder.encode(keyName, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
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
