package io.hubgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bearer tokens the hub must refuse: each gets 401 / 401002, a reason without token text, and
 * the device it tried to create does not exist afterwards.
 */
class BearerTokenRejectionTest {

    private static final String IOT_HUB = "https://iothubs.azure.net";
    private static EmulatorCoordinates hub;
    private static String gatewayObjectId;

    @BeforeAll
    static void start() {
        hub = TestHub.coordinates();
        gatewayObjectId = hub.entra().application(DefaultDirectory.GATEWAY).objectId();
    }

    /** Claims a valid gateway token would have, to spoil one at a time. */
    private static JWTClaimsSet.Builder validClaims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(hub.entra().issuer()).audience(IOT_HUB).subject(gatewayObjectId)
                .claim("oid", gatewayObjectId).claim("tid", hub.entra().tenantId())
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(1))));
    }

    private static String currentKid() throws Exception {
        return SignedJWT.parse(hub.entra().accessToken(DefaultDirectory.GATEWAY, IOT_HUB)).getHeader().getKeyID();
    }

    private static String signedWithForeignKey(String kid) throws Exception {
        RSAKey foreign = new RSAKeyGenerator(2048).keyID(kid).generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build(),
                validClaims().build());
        jwt.sign(new RSASSASigner(foreign));
        return jwt.serialize();
    }

    private static void assertRefused(String authorization) {
        String deviceId = TestHub.uniqueId("bearer-refused");
        RawHub.Response response = new RawHub(hub).authorization(authorization).call("PUT", "/devices/" + deviceId, "{}");

        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(response.errorCode()).isEqualTo(401002);
        String token = authorization.contains(" ") ? authorization.substring(authorization.indexOf(' ') + 1) : authorization;
        for (String part : token.split("\\.")) {
            if (part.length() > 8) {
                assertThat(response.body()).doesNotContain(part);
            }
        }
        assertThat(new RawHub(hub).call("GET", "/devices/" + deviceId, null).status()).isEqualTo(404);
    }

    @Test
    void aValidToken_isAccepted_soTheRefusalsBelowAreAboutTheirOneDefect() {
        String deviceId = TestHub.uniqueId("bearer-valid");

        RawHub.Response response = new RawHub(hub).authorization("Bearer " + hub.entra().sign(validClaims().build()))
                .call("PUT", "/devices/" + deviceId, "{}");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    @Test
    void expiredToken_isRefused() {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        assertRefused("Bearer " + hub.entra().sign(validClaims().issueTime(Date.from(past)).notBeforeTime(Date.from(past))
                .expirationTime(Date.from(past.plus(Duration.ofMinutes(75)))).build()));
    }

    @Test
    void tokenExpiredOneSecondAgo_isRefused() {
        assertRefused("Bearer " + hub.entra().sign(validClaims().expirationTime(Date.from(Instant.now().minusSeconds(1))).build()));
    }

    @Test
    void tokenWithoutExpiry_isRefused() {
        assertRefused("Bearer " + hub.entra().sign(validClaims().expirationTime(null).build()));
    }

    @Test
    void tokenNotValidForAnotherTenMinutes_isRefused() {
        assertRefused("Bearer " + hub.entra().sign(validClaims().notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(10)))).build()));
    }

    @Test
    void tokenForAnotherAudience_isRefused() {
        assertRefused("Bearer " + hub.entra().accessToken(DefaultDirectory.GATEWAY, DefaultDirectory.API_URI));
    }

    @Test
    void tokenFromAnotherIssuer_isRefused() {
        assertRefused("Bearer " + hub.entra().sign(validClaims().issuer("https://login.microsoftonline.com/"
                + hub.entra().tenantId() + "/v2.0").build()));
    }

    @Test
    void tokenWithABadSignature_isRefused() throws Exception {
        assertRefused("Bearer " + signedWithForeignKey(currentKid()));
    }

    @Test
    void tokenWithAnUnknownKid_isRefused() throws Exception {
        assertRefused("Bearer " + signedWithForeignKey(UUID.randomUUID().toString()));
    }

    @Test
    void unsignedTokenWithAlgNone_isRefused() {
        assertRefused("Bearer " + new PlainJWT(validClaims().build()).serialize());
    }

    @Test
    void hs256TokenKeyedWithThePublishedPublicKey_isRefused() throws Exception {
        JsonNode keys = new RawHub(hub).send("GET", "/" + hub.entra().tenantId() + "/discovery/v2.0/keys", null, java.util.Map.of()).json();
        RSAKey published = (RSAKey) JWKSet.parse(keys.toString()).getKeys().get(0);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(published.getKeyID()).build(), validClaims().build());
        jwt.sign(new MACSigner(published.toRSAPublicKey().getEncoded()));

        assertRefused("Bearer " + jwt.serialize());
    }

    @Test
    void tokenWithoutKid_isRefused() throws Exception {
        SignedJWT jwt = SignedJWT.parse(hub.entra().sign(validClaims().build()));
        SignedJWT withoutKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).build().toBase64URL(),
                jwt.getPayload().toBase64URL(), jwt.getSignature());
        assertRefused("Bearer " + withoutKid.serialize());
    }

    @Test
    void malformedTokens_areRefused() {
        assertRefused("Bearer not-a-jwt-at-all");
        assertRefused("Bearer eyJhbGciOiJSUzI1NiJ9garbage.payloadgarbage.signaturegarbage");
        assertRefused("Bearer ");
        assertRefused("Bearer a.b.c");
    }

    @Test
    void anUnsupportedAuthorizationScheme_isRefused() {
        assertRefused("Basic dXNlcjpwYXNzd29yZA==");
        assertRefused("Token " + hub.entra().accessToken(DefaultDirectory.GATEWAY, IOT_HUB));
    }

    @Test
    void aBearerTokenCannotDriveTheControlSurface() {
        RawHub.Response response = new RawHub(hub).authorization("Bearer " + hub.entra().accessToken(DefaultDirectory.GATEWAY, IOT_HUB))
                .send("POST", "/_emulator/entra/keys/rotate", "{}", java.util.Map.of());

        assertThat(response.status()).isEqualTo(401);
    }
}
