package io.hubgate.emulator.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hubgate.emulator.entra.SigningKeys;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.Operation;
import io.hubgate.emulator.support.MovableClock;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bearer authenticator remembers verified tokens without changing what it accepts: a
 * remembered token still expires exactly at its exp, a token differing in any character is
 * verified in full, and role assignments are still checked on every request.
 */
class BearerTokenCacheTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final String ISSUER = "https://127.0.0.1:8443/tenant/v2.0";

    private final MovableClock clock = new MovableClock(T0);
    private final SigningKeys keys = new SigningKeys(clock);
    private final Map<String, Set<BuiltInRole>> roles = new ConcurrentHashMap<>(Map.of("oid-1", Set.of(BuiltInRole.DATA_CONTRIBUTOR)));
    private final BearerAuthenticator bearer = new BearerAuthenticator(ISSUER, keys, new PrincipalDirectory() {
        @Override
        public Set<BuiltInRole> hubRolesOf(String objectId) {
            return roles.getOrDefault(objectId, Set.of());
        }

        @Override
        public Optional<String> displayNameOf(String objectId) {
            return Optional.of(objectId);
        }
    }, clock);

    @Test
    void aRememberedToken_isRefusedFromItsExpOn() {
        Instant exp = T0.plusSeconds(600);
        String token = keys.sign(claims(exp).build());
        bearer.authenticate(request(token), Operation.GET_TWIN);
        assertThat(bearer.rememberedTokens()).isEqualTo(1);

        clock.set(exp.minusMillis(1));
        bearer.authenticate(request(token), Operation.GET_TWIN);

        clock.set(exp);
        assertThatThrownBy(() -> bearer.authenticate(request(token), Operation.GET_TWIN))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(HubErrorCode.IOTHUB_UNAUTHORIZED_ACCESS);
                    assertThat(e.getMessage()).contains("expired");
                });
        assertThat(bearer.rememberedTokens()).isZero();
    }

    @Test
    void aTokenDifferingFromARememberedOne_isVerifiedInFull() throws Exception {
        String genuine = keys.sign(claims(T0.plusSeconds(600)).build());
        bearer.authenticate(request(genuine), Operation.GET_TWIN);

        String kid = SignedJWT.parse(genuine).getHeader().getKeyID();
        RSAKey foreign = new RSAKeyGenerator(2048).keyID(kid).generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build(),
                claims(T0.plusSeconds(600)).build());
        forged.sign(new RSASSASigner(foreign));
        assertRefused(forged.serialize());

        String[] parts = genuine.split("\\.");
        String otherSubject = Base64URL.encode(claims(T0.plusSeconds(600)).claim("oid", "oid-2").build().toString()).toString();
        roles.put("oid-2", Set.of(BuiltInRole.DATA_CONTRIBUTOR));
        assertRefused(parts[0] + "." + otherSubject + "." + parts[2]);

        assertThat(bearer.rememberedTokens()).isEqualTo(1);
    }

    @Test
    void rolesAreCheckedOnEveryRequest_evenForARememberedToken() {
        String token = keys.sign(claims(T0.plusSeconds(600)).build());
        bearer.authenticate(request(token), Operation.GET_TWIN);

        roles.put("oid-1", Set.of());
        assertThatThrownBy(() -> bearer.authenticate(request(token), Operation.GET_TWIN))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.errorCode()).isEqualTo(HubErrorCode.IOTHUB_UNAUTHORIZED));
    }

    private void assertRefused(String token) {
        assertThatThrownBy(() -> bearer.authenticate(request(token), Operation.GET_TWIN))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(HubErrorCode.IOTHUB_UNAUTHORIZED_ACCESS);
                    assertThat(e.getMessage()).contains("signature");
                });
    }

    private static JWTClaimsSet.Builder claims(Instant exp) {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(BearerAuthenticator.IOT_HUB_AUDIENCE).subject("oid-1")
                .claim("oid", "oid-1").issueTime(Date.from(T0)).notBeforeTime(Date.from(T0)).expirationTime(Date.from(exp));
    }

    private static HubRequest request(String token) {
        return new HubRequest("GET", "/twins/dev1", "api-version=2021-04-12",
                Map.of("Authorization", List.of("Bearer " + token)), null);
    }
}
