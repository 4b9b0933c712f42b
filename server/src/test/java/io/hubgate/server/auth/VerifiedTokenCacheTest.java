package io.hubgate.server.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.grpc.Metadata;
import io.hubgate.emulator.support.MovableClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cache of verified bearer tokens: a cached token still expires exactly on time, a token
 * that differs from a cached one in any way (another signature, an edited payload) is verified
 * in full and refused, a retired issuer key stops its cached tokens, and the cache is bounded.
 */
class VerifiedTokenCacheTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final String ISSUER = "https://login.microsoftonline.com/t1/v2.0";
    private static RSAKey key;
    private static RSAKey otherKey;

    @BeforeAll
    static void keys() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("k1").generate(); // same kid, another key: a forger's
    }

    @Test
    void aCachedToken_isServedUntilItsExp_thenVerifiedInFull_andRefusedBeyondTheSkew() throws Exception {
        MovableClock clock = new MovableClock(T0);
        Duration skew = Duration.ofSeconds(60);
        SwappableKeys keys = new SwappableKeys(new JWKSet(key.toPublicJWK()));
        JwtAuthenticator jwt = authenticator(keys, skew, clock, 16);
        Instant exp = T0.plusSeconds(120);
        String token = token(key, c -> c.expirationTime(Date.from(exp)));

        assertThat(jwt.authenticate(bearer(token), null).subject()).isEqualTo("object-1");
        assertThat(jwt.cachedTokens()).isEqualTo(1);

        clock.set(exp.minusMillis(1));
        assertThat(jwt.authenticate(bearer(token), null)).isNotNull();

        clock.set(exp);
        assertThat(jwt.authenticate(bearer(token), null)).as("within the skew after exp: full verification accepts").isNotNull();
        assertThat(jwt.cachedTokens()).as("the entry is dropped at exp, and the token is not cached again").isZero();

        clock.set(exp.plus(skew));
        assertThatThrownBy(() -> jwt.authenticate(bearer(token), null))
                .isInstanceOf(AuthenticationFailure.class).hasMessage("the token has expired");
    }

    @Test
    void withoutSkew_aCachedTokenIsRefusedTheMomentItExpires() throws Exception {
        MovableClock clock = new MovableClock(T0);
        JwtAuthenticator jwt = authenticator(new SwappableKeys(new JWKSet(key.toPublicJWK())), Duration.ZERO, clock, 16);
        Instant exp = T0.plusSeconds(30);
        String token = token(key, c -> c.expirationTime(Date.from(exp)));
        assertThat(jwt.authenticate(bearer(token), null)).isNotNull();
        assertThat(jwt.cachedTokens()).isEqualTo(1);

        clock.set(exp);
        assertThatThrownBy(() -> jwt.authenticate(bearer(token), null))
                .isInstanceOf(AuthenticationFailure.class).hasMessage("the token has expired");
    }

    @Test
    void aForgedOrEditedToken_isNeverServedFromTheCache() throws Exception {
        JwtAuthenticator jwt = authenticator(new SwappableKeys(new JWKSet(key.toPublicJWK())), Duration.ofSeconds(60),
                new MovableClock(T0), 16);
        String genuine = token(key, c -> { });
        assertThat(jwt.authenticate(bearer(genuine), null).roles()).containsExactly("Twin.Read");
        assertThat(jwt.cachedTokens()).isEqualTo(1);

        // The same header and claims, signed by another key with the same kid.
        String forged = token(otherKey, c -> { });
        assertThat(forged).isNotEqualTo(genuine);
        assertThatThrownBy(() -> jwt.authenticate(bearer(forged), null))
                .isInstanceOf(AuthenticationFailure.class).hasMessage("the token's signature does not verify");

        // The genuine signature on an edited payload (more roles).
        String[] parts = genuine.split("\\.");
        String elevatedClaims = Base64URL.encode(claims(c -> c.claim("roles", List.of("Twin.Read", "Registry.Write")))
                .toString()).toString();
        String edited = parts[0] + "." + elevatedClaims + "." + parts[2];
        assertThatThrownBy(() -> jwt.authenticate(bearer(edited), null))
                .isInstanceOf(AuthenticationFailure.class).hasMessage("the token's signature does not verify");

        // One character of the signature changed.
        char last = genuine.charAt(genuine.length() - 2);
        String tampered = genuine.substring(0, genuine.length() - 2) + (last == 'A' ? 'B' : 'A') + genuine.charAt(genuine.length() - 1);
        assertThatThrownBy(() -> jwt.authenticate(bearer(tampered), null)).isInstanceOf(AuthenticationFailure.class);

        assertThat(jwt.cachedTokens()).as("failures are not cached").isEqualTo(1);
        assertThat(jwt.authenticate(bearer(genuine), null).roles()).containsExactly("Twin.Read");
    }

    @Test
    void eachToken_getsItsOwnPrincipal() throws Exception {
        JwtAuthenticator jwt = authenticator(new SwappableKeys(new JWKSet(key.toPublicJWK())), Duration.ofSeconds(60),
                new MovableClock(T0), 16);
        String reader = token(key, c -> { });
        String writer = token(key, c -> c.claim("oid", "object-2").claim("roles", List.of("Twin.Write")));
        for (int i = 0; i < 2; i++) {
            assertThat(jwt.authenticate(bearer(reader), null).subject()).isEqualTo("object-1");
            assertThat(jwt.authenticate(bearer(writer), null).subject()).isEqualTo("object-2");
            assertThat(jwt.authenticate(bearer(writer), null).roles()).containsExactly("Twin.Write");
        }
        assertThat(jwt.cachedTokens()).isEqualTo(2);
    }

    @Test
    void aRetiredIssuerKey_stopsItsCachedTokens() throws Exception {
        SwappableKeys keys = new SwappableKeys(new JWKSet(key.toPublicJWK()));
        JwtAuthenticator jwt = authenticator(keys, Duration.ofSeconds(60), new MovableClock(T0), 16);
        String token = token(key, c -> { });
        assertThat(jwt.authenticate(bearer(token), null)).isNotNull();
        assertThat(jwt.cachedTokens()).isEqualTo(1);

        RSAKey successor = new RSAKeyGenerator(2048).keyID("k2").generate();
        keys.set(new JWKSet(successor.toPublicJWK()));
        assertThatThrownBy(() -> jwt.authenticate(bearer(token), null)).isInstanceOf(AuthenticationFailure.class)
                .hasMessageContaining("by a key of a trusted issuer");
        assertThat(jwt.cachedTokens()).isZero();

        // Same kid, other key material: not the key that verified the token either.
        keys.set(new JWKSet(otherKey.toPublicJWK()));
        assertThatThrownBy(() -> jwt.authenticate(bearer(token), null)).isInstanceOf(AuthenticationFailure.class);
    }

    @Test
    void theCacheIsBounded() throws Exception {
        JwtAuthenticator jwt = authenticator(new SwappableKeys(new JWKSet(key.toPublicJWK())), Duration.ofSeconds(60),
                new MovableClock(T0), 3);
        for (int i = 0; i < 10; i++) {
            int n = i;
            assertThat(jwt.authenticate(bearer(token(key, c -> c.claim("oid", "object-" + n))), null).subject())
                    .isEqualTo("object-" + n);
            assertThat(jwt.cachedTokens()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void aFullCache_makesRoomFromExpiredTokens_beforeAnyLiveOne() throws Exception {
        MovableClock clock = new MovableClock(T0);
        JwtAuthenticator jwt = authenticator(new SwappableKeys(new JWKSet(key.toPublicJWK())), Duration.ZERO, clock, 3);
        Instant soon = T0.plusSeconds(10);
        for (String brief : List.of("brief-1", "brief-2")) {
            assertThat(jwt.authenticate(bearer(token(key, c -> c.claim("oid", brief).expirationTime(Date.from(soon)))), null))
                    .isNotNull();
        }
        String live = token(key, c -> c.claim("oid", "live"));
        assertThat(jwt.authenticate(bearer(live), null).subject()).isEqualTo("live");
        assertThat(jwt.cachedTokens()).isEqualTo(3);

        clock.set(soon);
        assertThat(jwt.authenticate(bearer(token(key, c -> c.claim("oid", "newcomer"))), null).subject()).isEqualTo("newcomer");
        assertThat(jwt.cachedTokens()).as("the two expired tokens made room; the live one and the newcomer remain")
                .isEqualTo(2);
        assertThat(jwt.authenticate(bearer(live), null).subject()).isEqualTo("live");
        assertThat(jwt.cachedTokens()).isEqualTo(2);
    }

    @Test
    void withTheCacheOff_nothingIsRemembered() throws Exception {
        JwtAuthenticator jwt = authenticator(new SwappableKeys(new JWKSet(key.toPublicJWK())), Duration.ofSeconds(60),
                new MovableClock(T0), 0);
        String token = token(key, c -> { });
        assertThat(jwt.authenticate(bearer(token), null)).isNotNull();
        assertThat(jwt.authenticate(bearer(token), null)).isNotNull();
        assertThat(jwt.cachedTokens()).isZero();
    }

    private static JwtAuthenticator authenticator(JWKSource<SecurityContext> keys, Duration skew, Clock clock, int max) {
        return new JwtAuthenticator(keys, new TokenRules(Set.of(ISSUER), Set.of("api://hubgate"), Set.of(), skew, clock), max);
    }

    private static Metadata bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AuthorizationHeader.KEY, "Bearer " + token);
        return headers;
    }

    private static JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience("api://hubgate")
                .subject("subject-1").claim("oid", "object-1").claim("azp", "client-1").claim("tid", "t1")
                .claim("roles", List.of("Twin.Read")).notBeforeTime(Date.from(T0.minusSeconds(300)))
                .expirationTime(Date.from(T0.plusSeconds(3600)));
        change.accept(claims);
        return claims.build();
    }

    private static String token(RSAKey signer, Consumer<JWTClaimsSet.Builder> change) throws Exception {
        SignedJWT signed = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims(change));
        signed.sign(new RSASSASigner(signer));
        return signed.serialize();
    }

    /** A key set that can be replaced (a rotation at the issuer). */
    private static final class SwappableKeys implements JWKSource<SecurityContext> {
        private final AtomicReference<JWKSet> current;

        SwappableKeys(JWKSet initial) {
            this.current = new AtomicReference<>(initial);
        }

        void set(JWKSet keys) {
            current.set(keys);
        }

        @Override
        public List<com.nimbusds.jose.jwk.JWK> get(com.nimbusds.jose.jwk.JWKSelector selector, SecurityContext context) {
            return selector.select(current.get());
        }
    }
}
