package io.hubgate.server.config;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The secret that signs page tokens ({@code --page-token-key}): give every replica behind one load
 * balancer the same one, so a token one replica gave is honoured by the next; without it each
 * process makes its own at start (tokens then die with the process). At least
 * {@value #MIN_BYTES} bytes, e.g. {@code openssl rand -base64 32}. Never printed:
 * {@link #toString()} says only that it is set.
 */
public final class PageTokenKey {

    /** An HMAC-SHA256 key shorter than its output is weaker than it needs to be. */
    public static final int MIN_BYTES = 32;

    private final byte[] bytes;
    private final boolean configured;

    private PageTokenKey(byte[] bytes, boolean configured) {
        this.bytes = bytes;
        this.configured = configured;
    }

    /** A configured key: the UTF-8 bytes of {@code secret}; {@link IllegalArgumentException} when too short. */
    public static PageTokenKey of(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("--page-token-key must be at least " + MIN_BYTES
                    + " bytes (e.g. openssl rand -base64 32), not " + bytes.length);
        }
        return new PageTokenKey(bytes, true);
    }

    /** A random key for this process only. */
    public static PageTokenKey random() {
        byte[] bytes = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return new PageTokenKey(bytes, false);
    }

    /** A copy of the key's bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** True when it was configured rather than made for this process. */
    public boolean configured() {
        return configured;
    }

    @Override
    public String toString() {
        return configured ? "PageTokenKey(configured)" : "PageTokenKey(per process)";
    }
}
