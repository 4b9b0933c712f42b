package io.hubgate.common;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.function.Function;

/**
 * Bearer tokens that passed full verification, by their exact text, each with what verifying it
 * produced, until the token's {@code exp}: a client that sends the same token on every request
 * pays the signature check and the parsing once, not per request. The gateway (its callers'
 * tokens) and the emulator (the tokens the gateway sends it) each keep one.
 *
 * <p>What keeps it safe, whatever the value:
 * <ul>
 * <li>The key is the whole token text: a token that differs in any character is not here.</li>
 * <li>An entry is served only before its {@code exp}, never at or after it: Caffeine expires each
 *     entry on its own time ({@link Expiry}), read from the same {@link InstantSource} that checks
 *     the token's claims ({@link Ticker}), so a test moves that clock instead of sleeping.</li>
 * <li>A value whose {@code exp} has already passed is not kept.</li>
 * <li>Bounded: at most {@code maxEntries}; when full, Caffeine chooses what to evict.</li>
 * </ul>
 *
 * <p>It verifies nothing itself: the caller puts only what verified in full, and never a failure.
 * Maintenance (expiry, eviction) runs on the calling thread, not in a pool, so that what a caller
 * sees right after a call is settled. Thread-safe.
 *
 * @param <V> what verifying a token produced (its claims, the principal made of them …)
 */
public final class TokenCache<V> {

    private final Cache<String, V> entries;
    private final InstantSource time;
    private final Function<? super V, Instant> expiresAt;

    /**
     * @param time       the clock the tokens' claims are checked against
     * @param maxEntries tokens kept at most
     * @param expiresAt  the {@code exp} of a value's token
     */
    public TokenCache(InstantSource time, int maxEntries, Function<? super V, Instant> expiresAt) {
        this.time = time;
        this.expiresAt = expiresAt;
        this.entries = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(Expiry.creating((String token, V value) -> Duration.between(time.instant(), expiresAt.apply(value))))
                .ticker(() -> ChronoUnit.NANOS.between(Instant.EPOCH, time.instant()))
                .executor(Runnable::run)
                .build();
    }

    /** What verifying exactly this token produced, while its {@code exp} is ahead; null otherwise. */
    public V get(String token) {
        return entries.getIfPresent(token);
    }

    /** Remembers a token that has just verified in full; ignored when its {@code exp} has already passed. */
    public void put(String token, V value) {
        if (time.instant().isBefore(expiresAt.apply(value))) {
            entries.put(token, value);
        }
    }

    /** Forgets a token, if it is still remembered with this value. */
    public void remove(String token, V value) {
        entries.asMap().remove(token, value);
    }

    /** Tokens remembered now (expired ones are dropped first). */
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }
}
