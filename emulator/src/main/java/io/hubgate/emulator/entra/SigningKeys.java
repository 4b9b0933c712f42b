package io.hubgate.emulator.entra;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An issuer's RSA signing keys. One key signs; {@link #rotate()} makes a new key the signing one,
 * and the old keys stay published (and good for verification) until the last token each of them
 * signed has expired, then retire. So a rotation never invalidates a token, and a retired key
 * never comes back. It is also the {@link JWKSource} verifiers read, so what is published and
 * what is accepted are the same set.
 *
 * <p>Keys live in memory unless a {@link Keeper} keeps them (the emulator's data directory does,
 * through {@link EntraKeyring}): then a restart restores them, and tokens issued before it still
 * verify.
 *
 * <p>With no kept key, the first key is generated when first needed (to sign, publish or name
 * it), not when the set is made: a 2048-bit RSA key costs 60–400 ms of CPU, and an emulator that
 * never sees a federated token (the gateway's embedded one) should not pay for its issuer's key
 * before it serves. Thread-safe.
 */
public final class SigningKeys implements JWKSource<SecurityContext> {

    /** RSA modulus size, as Entra's own signing keys. */
    public static final int KEY_SIZE_BITS = 2048;

    private final Clock clock;
    private final List<Entry> keys = new ArrayList<>();
    private final Keeper keeper;

    /** A key with the latest expiry of a token it signed (null: none yet), as kept between runs. */
    public record KeptKey(RSAKey key, Instant lastExpiry) {
    }

    /**
     * Keeps the keys somewhere between runs. Told the whole list, oldest first, whenever it
     * changed: a new key, or a later expiry of a signed token (so that after a restart an old key
     * stays published as long as a token it signed lives).
     */
    @FunctionalInterface
    public interface Keeper {
        void keep(List<KeptKey> keys);
    }

    /** A key and the latest expiry of a token it signed (null: it signed none yet). */
    private static final class Entry {
        final RSAKey key;
        Instant lastExpiry;

        Entry(RSAKey key) {
            this.key = key;
        }
    }

    /** One new key, kept in memory only. */
    public SigningKeys(Clock clock) {
        this(clock, List.of(), kept -> { });
    }

    /**
     * @param kept   the keys a keeper kept, oldest first (the last one signs); empty for a new key
     * @param keeper told every change
     */
    public SigningKeys(Clock clock, List<KeptKey> kept, Keeper keeper) {
        this.clock = clock;
        this.keeper = keeper;
        for (KeptKey key : kept) {
            Entry entry = new Entry(key.key());
            entry.lastExpiry = key.lastExpiry();
            keys.add(entry);
        }
    }

    /** Adds a new signing key; the previous ones only verify from now on. Returns the new key's id. */
    public synchronized String rotate() {
        keys.add(new Entry(generate()));
        retireExpired();
        keep();
        return currentKeyId();
    }

    /** The id ({@code kid}) of the key that signs. */
    public synchronized String currentKeyId() {
        return current().key.getKeyID();
    }

    /** Signs the claims with the current key: RS256, header {@code kid} and {@code typ: JWT}. */
    public synchronized String sign(JWTClaimsSet claims) {
        Entry current = current();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(current.key.getKeyID())
                .type(JOSEObjectType.JWT).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new RSASSASigner(current.key));
        } catch (JOSEException e) {
            throw new IllegalStateException("RS256 signing with a generated 2048-bit key failed", e);
        }
        Instant expiry = claims.getExpirationTime() == null ? Instant.MAX : claims.getExpirationTime().toInstant();
        if (current.lastExpiry == null || expiry.isAfter(current.lastExpiry)) {
            current.lastExpiry = expiry;
            keep();
        }
        return jwt.serialize();
    }

    /** The public keys that verify: the signing key and every older one with a token still unexpired. */
    public synchronized JWKSet published() {
        retireExpired();
        return new JWKSet(keys.stream().map(e -> (JWK) e.key.toPublicJWK()).toList());
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        return selector.select(published());
    }

    private void keep() {
        keeper.keep(keys.stream().map(e -> new KeptKey(e.key, e.lastExpiry)).toList());
    }

    /** The signing key: the newest, generated now if there is none yet. Callers hold the lock. */
    private Entry current() {
        if (keys.isEmpty()) {
            keys.add(new Entry(generate()));
            keep();
        }
        return keys.get(keys.size() - 1);
    }

    private void retireExpired() {
        Instant now = clock.instant();
        Entry current = current();
        keys.removeIf(e -> e != current && (e.lastExpiry == null || !now.isBefore(e.lastExpiry)));
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(KEY_SIZE_BITS).keyID(UUID.randomUUID().toString().replace("-", ""))
                    .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("the JDK cannot generate a 2048-bit RSA key", e);
        }
    }
}
