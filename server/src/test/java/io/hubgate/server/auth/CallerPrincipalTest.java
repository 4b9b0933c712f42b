package io.hubgate.server.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.grpc.Metadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What each authenticator makes of a good credential: the principal's subject, app, tenant and
 * roles; the clock skew at its edges (with a fixed clock); and the header forms each accepts.
 */
class CallerPrincipalTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final String ISSUER = "https://login.microsoftonline.com/t1/v2.0";
    private static final Duration SKEW = AuthSettings.DEFAULT_CLOCK_SKEW;
    private static RSAKey key;
    private static JwtAuthenticator jwt;

    @BeforeAll
    static void issuer() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        jwt = new JwtAuthenticator(new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())),
                new TokenRules(Set.of(ISSUER, "https://sts.windows.net/t1/"), Set.of("api://hubgate"), Set.of(),
                        SKEW, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    @Test
    void jwt_principalIsOidAzpTidAndRoles_withScopesPrefixed() throws Exception {
        Principal principal = jwt.authenticate(bearer(token(c -> c.claim("scp", "Registry.Read  user_impersonation"))), null);

        assertThat(principal.subject()).isEqualTo("object-1");
        assertThat(principal.appId()).isEqualTo("client-1");
        assertThat(principal.tenantId()).isEqualTo("t1");
        assertThat(principal.method()).isEqualTo("jwt");
        assertThat(principal.roles()).containsExactlyInAnyOrder("Twin.Read", "scp:Registry.Read", "scp:user_impersonation");
    }

    @Test
    void jwt_withoutOidOrAzp_fallsBackToSubAndAppid_andAcceptsTheV1Issuer() throws Exception {
        Principal principal = jwt.authenticate(bearer(token(c -> c.claim("oid", null).claim("azp", null)
                .claim("appid", "client-v1").issuer("https://sts.windows.net/t1/"))), null);

        assertThat(principal.subject()).isEqualTo("subject-1");
        assertThat(principal.appId()).isEqualTo("client-v1");
    }

    @Test
    void jwt_schemeIsCaseInsensitive() throws Exception {
        Metadata headers = new Metadata();
        headers.put(AuthorizationHeader.KEY, "bearer " + token(c -> { }));

        assertThat(jwt.authenticate(headers, null).subject()).isEqualTo("object-1");
    }

    @Test
    void jwt_clockSkew_acceptsWithinItsBound_andRefusesBeyond() throws Exception {
        Duration inside = SKEW.minusSeconds(5);
        Duration beyond = SKEW.plusSeconds(5);
        assertThat(jwt.authenticate(bearer(token(c -> c.expirationTime(Date.from(NOW.minus(inside))))), null)).isNotNull();
        assertThat(jwt.authenticate(bearer(token(c -> c.notBeforeTime(Date.from(NOW.plus(inside))))), null)).isNotNull();
        assertThatThrownBy(() -> jwt.authenticate(bearer(token(c -> c.expirationTime(Date.from(NOW.minus(beyond))))), null))
                .isInstanceOf(AuthenticationFailure.class).hasMessage("the token has expired");
        assertThatThrownBy(() -> jwt.authenticate(bearer(token(c -> c.notBeforeTime(Date.from(NOW.plus(beyond))))), null))
                .isInstanceOf(AuthenticationFailure.class).hasMessage("the token is not valid yet (nbf)");
    }

    @Test
    void jwt_ignoresCallsWithoutABearerCredential() throws Exception {
        Metadata headers = new Metadata();
        headers.put(AuthorizationHeader.KEY, "ApiKey abc");

        assertThat(jwt.authenticate(new Metadata(), null)).isNull();
        assertThat(jwt.authenticate(headers, null)).isNull();
    }

    @Test
    void apiKey_inEitherHeader_isItsConfiguredNameAndRoles() throws Exception {
        String secret = "hk_0123456789abcdef0123456789abcdef";
        ApiKeyAuthenticator keys = new ApiKeyAuthenticator(List.of(
                new ApiKeyAuthenticator.StoredKey("other", ApiKeyAuthenticator.sha256("hk_other"), Set.of(), false),
                new ApiKeyAuthenticator.StoredKey("ci-bot", ApiKeyAuthenticator.sha256(secret), Set.of("Registry.Read"), false)));
        Metadata header = new Metadata();
        header.put(ApiKeyAuthenticator.HEADER, secret);
        Metadata authorization = new Metadata();
        authorization.put(AuthorizationHeader.KEY, "ApiKey " + secret);

        for (Metadata headers : List.of(header, authorization)) {
            Principal principal = keys.authenticate(headers, null);
            assertThat(principal.subject()).isEqualTo("ci-bot");
            assertThat(principal.roles()).containsExactly("Registry.Read");
            assertThat(principal.method()).isEqualTo("api-key");
        }
        assertThat(keys.authenticate(new Metadata(), null)).isNull();
    }

    private static Metadata bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AuthorizationHeader.KEY, "Bearer " + token);
        return headers;
    }

    private static String token(Consumer<JWTClaimsSet.Builder> change) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience("api://hubgate")
                .subject("subject-1").claim("oid", "object-1").claim("azp", "client-1").claim("tid", "t1")
                .claim("roles", List.of("Twin.Read")).notBeforeTime(Date.from(NOW.minusSeconds(300)))
                .expirationTime(Date.from(NOW.plusSeconds(3600)));
        change.accept(claims);
        SignedJWT signed = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JWT).build(),
                claims.build());
        signed.sign(new RSASSASigner(key));
        return signed.serialize();
    }
}
