package io.hubgate.server.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens that already passed full verification (signature and claims), by their exact
 * text, with the principal made of them: a caller that sends the same token on every call pays
 * the RSA verification and the JWT parsing once, not per call (they were most of the gateway's
 * own CPU per call).
 *
 * <p>What keeps it safe:
 * <ul>
 * <li>The key is the whole token string (header, payload and signature): a token that differs in
 *     any character — another signature, an edited payload — is not in the cache and is verified
 *     in full.</li>
 * <li>An entry is served only before the token's {@code exp}, never after: from then on the token
 *     goes through full verification again, which applies the clock skew as before. A token is
 *     cached only while its {@code exp} is ahead.</li>
 * <li>An entry remembers the issuer keys that matched the token's header when it verified; it is
 *     served only while the key source still publishes all of them, so a key the issuer retires
 *     stops its tokens as it did without the cache.</li>
 * <li>Failures are never cached; the configuration the claims were checked against (issuers,
 *     audiences, tenants) is fixed for the authenticator's life.</li>
 * <li>Bounded: at most {@link #DEFAULT_MAX_ENTRIES} tokens; when full, expired entries are dropped
 *     and, if that is not enough, an arbitrary one.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
final class VerifiedTokens {

    /** About 2 KB each (the token text dominates): a few MB at most. */
    static final int DEFAULT_MAX_ENTRIES = 4096;

    /**
     * @param keys     the issuer keys that matched the token's header when it verified
     * @param selector how they were selected (the token's header decides it)
     */
    record Entry(Principal principal, Instant expires, JWKSelector selector, List<JWK> keys) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int maxEntries;

    VerifiedTokens(Clock clock, int maxEntries) {
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    /** The entry of exactly this token while its {@code exp} is ahead; null otherwise. */
    Entry get(String token) {
        Entry entry = entries.get(token);
        if (entry == null) {
            return null;
        }
        if (!clock.instant().isBefore(entry.expires())) {
            entries.remove(token, entry);
            return null;
        }
        return entry;
    }

    /** Forgets a token (its key is no longer published). */
    void remove(String token, Entry entry) {
        entries.remove(token, entry);
    }

    /** Remembers a token that has just verified in full; ignored when its {@code exp} has already passed. */
    void put(String token, Entry entry) {
        Instant now = clock.instant();
        if (!now.isBefore(entry.expires())) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(e -> !now.isBefore(e.expires()));
            Iterator<String> any = entries.keySet().iterator();
            while (entries.size() >= maxEntries && any.hasNext()) {
                any.next();
                any.remove();
            }
        }
        entries.put(token, entry);
    }

    int size() {
        return entries.size();
    }
}
