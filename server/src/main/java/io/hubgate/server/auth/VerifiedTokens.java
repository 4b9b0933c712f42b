package io.hubgate.server.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import io.hubgate.common.TokenCache;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

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
 *     cached only while its {@code exp} is ahead. Each entry expires on its own {@code exp}, on the
 *     authenticator's clock ({@link TokenCache}: Caffeine with a per-entry expiry and that clock
 *     as its ticker).</li>
 * <li>An entry remembers the issuer keys that matched the token's header when it verified; it is
 *     served only while the key source still publishes all of them, so a key the issuer retires
 *     stops its tokens as it did without the cache.</li>
 * <li>Failures are never cached; the configuration the claims were checked against (issuers,
 *     audiences, tenants) is fixed for the authenticator's life.</li>
 * <li>Bounded: at most {@link #DEFAULT_MAX_ENTRIES} tokens; when full, Caffeine evicts.</li>
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

    private final TokenCache<Entry> entries;

    VerifiedTokens(Clock clock, int maxEntries) {
        this.entries = new TokenCache<>(clock, maxEntries, Entry::expires);
    }

    /** The entry of exactly this token while its {@code exp} is ahead; null otherwise. */
    Entry get(String token) {
        return entries.get(token);
    }

    /** Forgets a token (its key is no longer published). */
    void remove(String token, Entry entry) {
        entries.remove(token, entry);
    }

    /** Remembers a token that has just verified in full; ignored when its {@code exp} has already passed. */
    void put(String token, Entry entry) {
        entries.put(token, entry);
    }

    /** Tokens remembered now (expired ones are dropped first). */
    int size() {
        return Math.toIntExact(entries.size());
    }
}
