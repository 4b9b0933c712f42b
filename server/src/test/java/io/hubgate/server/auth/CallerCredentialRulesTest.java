package io.hubgate.server.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import io.grpc.Metadata;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The caller-credential rules on their own, fast enough for mutation testing: the authorization
 * header's one spelling, the compact JWS alphabet, each claim rule at its boundary, API key
 * files and keys, and the names a client certificate gives. (BadCredentialsTest and
 * StrictCallerAuthTest show the same through a gateway.)
 */
class CallerCredentialRulesTest {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Duration SKEW = Duration.ofSeconds(60);
    private static KeyPair keys;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
    }

    private static Metadata headers(String... authorization) {
        Metadata headers = new Metadata();
        for (String value : authorization) {
            headers.put(AUTHORIZATION, value);
        }
        return headers;
    }

    private static AuthenticationFailure.Reason refusal(ThrowingCall call) {
        try {
            call.run();
        } catch (AuthenticationFailure failure) {
            return failure.reason();
        } catch (Exception other) {
            throw new AssertionError(other);
        }
        throw new AssertionError("expected a refusal");
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    // ---- authorization header

    @Test
    void authorizationHeader_schemeIsCaseInsensitive_thenOneSpace() throws Exception {
        assertThat(AuthorizationHeader.credential(headers("Bearer abc"), "Bearer")).isEqualTo("abc");
        assertThat(AuthorizationHeader.credential(headers("bEARER abc"), "Bearer")).isEqualTo("abc");
        assertThat(AuthorizationHeader.credential(headers("Bearer"), "Bearer")).isEmpty();
        assertThat(AuthorizationHeader.credential(headers("Bearer  abc"), "Bearer")).isEqualTo(" abc");
        assertThat(AuthorizationHeader.credential(headers("BearerXabc"), "Bearer")).isNull();
        assertThat(AuthorizationHeader.credential(headers("Bearexabc"), "Bearer")).isNull();
        assertThat(AuthorizationHeader.credential(headers("Basic abc"), "Bearer")).isNull();
        assertThat(AuthorizationHeader.credential(headers(), "Bearer")).isNull();
    }

    @Test
    void authorizationHeader_sentTwice_isAmbiguous() {
        assertThat(refusal(() -> AuthorizationHeader.credential(headers("Bearer a", "Bearer b"), "Bearer")))
                .isEqualTo(AuthenticationFailure.Reason.CREDENTIALS_AMBIGUOUS);
        assertThat(refusal(() -> AuthorizationHeader.credential(headers("Basic a", "Bearer b"), "Bearer")))
                .isEqualTo(AuthenticationFailure.Reason.CREDENTIALS_AMBIGUOUS);
    }

    private static final Set<String> BEARER_AND_KEYS = Set.of("authorization: bearer", "authorization: apikey", "x-api-key");

    @Test
    void perCallCredential_isTheOneHeaderOfAnAcceptedKind() throws Exception {
        assertThat(PerCallCredential.kind(headers(), BEARER_AND_KEYS)).isNull();
        assertThat(PerCallCredential.kind(headers("bEARER a.b.c"), BEARER_AND_KEYS)).isEqualTo("authorization: bearer");
        assertThat(PerCallCredential.kind(headers("Bearer"), BEARER_AND_KEYS)).isEqualTo("authorization: bearer");
        assertThat(PerCallCredential.kind(headers("ApiKey k"), BEARER_AND_KEYS)).isEqualTo("authorization: apikey");
        assertThat(PerCallCredential.kind(apiKey("k"), BEARER_AND_KEYS)).isEqualTo("x-api-key");
    }

    @Test
    void perCallCredential_twoOfAnyKinds_areAmbiguous() {
        Metadata both = apiKey("k");
        both.put(AUTHORIZATION, "Basic x");
        assertThat(refusal(() -> PerCallCredential.kind(both, BEARER_AND_KEYS))).isEqualTo(AuthenticationFailure.Reason.CREDENTIALS_AMBIGUOUS);
        assertThat(refusal(() -> PerCallCredential.kind(apiKey("k", "k"), BEARER_AND_KEYS)))
                .isEqualTo(AuthenticationFailure.Reason.CREDENTIALS_AMBIGUOUS);
    }

    @Test
    void perCallCredential_anUnacceptedScheme_isUnsupported_namedOnlyWhenRegistered() {
        assertThat(refusal(() -> PerCallCredential.kind(headers("Basic x"), BEARER_AND_KEYS)))
                .isEqualTo(AuthenticationFailure.Reason.CREDENTIALS_UNSUPPORTED);
        assertThat(refusal(() -> PerCallCredential.kind(apiKey("k"), Set.of("authorization: bearer"))))
                .isEqualTo(AuthenticationFailure.Reason.CREDENTIALS_UNSUPPORTED);
        assertThatThrownBy(() -> PerCallCredential.kind(headers("Basic x"), BEARER_AND_KEYS)).hasMessageContaining("'Basic'");
        assertThatThrownBy(() -> PerCallCredential.kind(headers("hk_secretglued"), BEARER_AND_KEYS))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hk_secretglued"));
    }

    @ParameterizedTest
    @ValueSource(strings = {" Bearer a.b.c", "\tBearer a.b.c", "Bearer\ta.b.c"})
    void perCallCredential_whitespaceAroundTheScheme_isTheKindsInvalidToken(String value) {
        assertThat(refusal(() -> PerCallCredential.kind(headers(value), BEARER_AND_KEYS))).isEqualTo(AuthenticationFailure.Reason.TOKEN_INVALID);
    }

    @Test
    void apiKeys_areTakenAsSent_neverTrimmed(@TempDir Path dir) throws Exception {
        ApiKeyAuthenticator authenticator = keyFile(dir);
        for (String spelling : List.of(" " + KEY, KEY + " ", KEY + "\t", "\t" + KEY, KEY + "\u00a0")) {
            assertThat(refusal(() -> authenticator.authenticate(apiKey(spelling), null))).isEqualTo(AuthenticationFailure.Reason.API_KEY_INVALID);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b.c", "eyJh.eyJz.sig-_09AZaz", "A.B.C"})
    void compactJws_threeBase64urlParts_isWellFormed(String token) {
        assertThat(JwtAuthenticator.isCompactJws(token)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "a.b", "a.b.c.d", ".b.c", "a..c", "a.b.", "a.b.c!!", "a.b.c==", "a.b.c=", "a.b.c ", "a.b.c$",
            "a.b.c+", "a.b.c/", "a.b.cé", "a b.b.c", "a.b.c\n"})
    void compactJws_anythingElse_isNot(String token) {
        assertThat(JwtAuthenticator.isCompactJws(token)).isFalse();
    }

    // ---- claim rules

    private static TokenRules rules(Set<String> tenants) {
        return new TokenRules(Set.of("iss"), Set.of("aud"), tenants, SKEW, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer("iss").audience("aud").claim("tid", "t1")
                .issueTime(Date.from(NOW)).notBeforeTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(600)));
    }

    private static AuthenticationFailure.Reason violation(JWTClaimsSet.Builder claims, Set<String> tenants) {
        try {
            rules(tenants).verify(claims.build(), null);
            return null;
        } catch (TokenRules.Violation violation) {
            return violation.reason();
        } catch (Exception other) {
            throw new AssertionError(other);
        }
    }

    @Test
    void claims_asIssued_pass() {
        assertThat(violation(claims(), Set.of())).isNull();
        assertThat(violation(claims(), Set.of("t1"))).isNull();
        assertThat(violation(claims().issueTime(null).notBeforeTime(null), Set.of())).isNull();
    }

    @Test
    void exp_isRequired_andHonouredWithTheSkew() {
        assertThat(violation(claims().expirationTime(null), Set.of())).isEqualTo(AuthenticationFailure.Reason.TOKEN_INVALID);
        assertThat(violation(claims().expirationTime(Date.from(NOW.minus(SKEW).plusMillis(1))), Set.of())).isNull();
        assertThat(violation(claims().expirationTime(Date.from(NOW.minus(SKEW))), Set.of())).isEqualTo(AuthenticationFailure.Reason.TOKEN_EXPIRED);
    }

    @Test
    void nbfAndIat_mayBeAheadByTheSkew_notMore() {
        assertThat(violation(claims().notBeforeTime(Date.from(NOW.plus(SKEW))), Set.of())).isNull();
        assertThat(violation(claims().notBeforeTime(Date.from(NOW.plus(SKEW).plusMillis(1))), Set.of()))
                .isEqualTo(AuthenticationFailure.Reason.TOKEN_INVALID);
        assertThat(violation(claims().issueTime(Date.from(NOW.plus(SKEW))), Set.of())).isNull();
        assertThat(violation(claims().issueTime(Date.from(NOW.plus(SKEW).plusMillis(1000))), Set.of()))
                .isEqualTo(AuthenticationFailure.Reason.TOKEN_INVALID);
        assertThat(violation(claims().issueTime(Date.from(NOW.plus(Duration.ofDays(3650)))), Set.of()))
                .isEqualTo(AuthenticationFailure.Reason.TOKEN_INVALID);
    }

    @Test
    void lifetime_isMeasuredFromIat_andMayReachTheMaximum_notPassIt() {
        Duration max = TokenRules.DEFAULT_MAX_LIFETIME;
        Instant issued = NOW.minus(Duration.ofHours(2));
        assertThat(violation(claims().issueTime(Date.from(issued)).notBeforeTime(Date.from(issued))
                .expirationTime(Date.from(issued.plus(max))), Set.of())).isNull();
        assertThat(violation(claims().issueTime(Date.from(issued)).notBeforeTime(Date.from(issued))
                .expirationTime(Date.from(issued.plus(max).plusSeconds(1))), Set.of()))
                .isEqualTo(AuthenticationFailure.Reason.TOKEN_LIFETIME_TOO_LONG);
    }

    @Test
    void lifetime_withoutIat_isMeasuredFromNow_withTheSkew() {
        Duration max = TokenRules.DEFAULT_MAX_LIFETIME;
        assertThat(violation(claims().issueTime(null).expirationTime(Date.from(NOW.plus(max).plus(SKEW))), Set.of())).isNull();
        assertThat(violation(claims().issueTime(null).expirationTime(Date.from(NOW.plus(max).plus(SKEW).plusSeconds(1))), Set.of()))
                .isEqualTo(AuthenticationFailure.Reason.TOKEN_LIFETIME_TOO_LONG);
    }

    @Test
    void issuerAudienceAndTenant_mustBeTrusted() {
        assertThat(violation(claims().issuer("other"), Set.of())).isEqualTo(AuthenticationFailure.Reason.TOKEN_INVALID);
        assertThat(violation(claims().issuer(null), Set.of())).isEqualTo(AuthenticationFailure.Reason.TOKEN_INVALID);
        assertThat(violation(claims().audience(List.of("x", "aud")), Set.of())).isNull();
        assertThat(violation(claims().audience("x"), Set.of())).isEqualTo(AuthenticationFailure.Reason.TOKEN_INVALID);
        assertThat(violation(claims().claim("tid", "t2"), Set.of("t1"))).isEqualTo(AuthenticationFailure.Reason.TOKEN_INVALID);
        assertThat(violation(claims().claim("tid", null), Set.of("t1"))).isEqualTo(AuthenticationFailure.Reason.TOKEN_INVALID);
        assertThat(violation(claims().claim("tid", 7), Set.of("t1"))).isEqualTo(AuthenticationFailure.Reason.TOKEN_INVALID);
    }

    // ---- API keys

    private static final String KEY = "hk_0123456789abcdef0123456789abcdef";
    private static final String REVOKED = "hk_fedcba9876543210fedcba9876543210";

    private static String hex(String key) {
        return HexFormat.of().formatHex(ApiKeyAuthenticator.sha256(key));
    }

    private static ApiKeyAuthenticator keyFile(Path dir) throws Exception {
        return ApiKeyAuthenticator.fromFile(Files.writeString(dir.resolve("keys.json"), """
                {"keys": [{"name": "bot", "sha256": "%s", "roles": ["Registry.Read"]},
                          {"name": "old", "sha256": "%s", "roles": [], "revoked": true},
                          {"name": "bare", "sha256": "%s"}]}""".formatted(hex(KEY), hex(REVOKED).toUpperCase(), hex("hk_bare"))));
    }

    private static Metadata apiKey(String... values) {
        Metadata headers = new Metadata();
        for (String value : values) {
            headers.put(ApiKeyAuthenticator.HEADER, value);
        }
        return headers;
    }

    @Test
    void apiKeys_nameTheirCaller_withTheirRoles(@TempDir Path dir) throws Exception {
        ApiKeyAuthenticator authenticator = keyFile(dir);
        Principal bot = authenticator.authenticate(apiKey(KEY), null);
        assertThat(bot.subject()).isEqualTo("bot");
        assertThat(bot.roles()).containsExactly("Registry.Read");
        assertThat(bot.method()).isEqualTo("api-key");
        assertThat(authenticator.authenticate(headers("ApiKey " + KEY), null).subject()).isEqualTo("bot");
        assertThat(authenticator.authenticate(apiKey("hk_bare"), null).roles()).isEmpty();
        assertThat(authenticator.authenticate(new Metadata(), null)).isNull();
        assertThat(authenticator.authenticate(headers("Bearer x.y.z"), null)).isNull();
        assertThat(authenticator.challenge()).contains("x-api-key");
    }

    @Test
    void apiKeys_wrongEmptyRevokedOrSentTwice_areRefused(@TempDir Path dir) throws Exception {
        ApiKeyAuthenticator authenticator = keyFile(dir);
        assertThat(refusal(() -> authenticator.authenticate(apiKey(KEY + "x"), null))).isEqualTo(AuthenticationFailure.Reason.API_KEY_INVALID);
        assertThat(refusal(() -> authenticator.authenticate(apiKey(" "), null))).isEqualTo(AuthenticationFailure.Reason.API_KEY_INVALID);
        assertThat(refusal(() -> authenticator.authenticate(apiKey(hex(KEY)), null))).isEqualTo(AuthenticationFailure.Reason.API_KEY_INVALID);
        assertThat(refusal(() -> authenticator.authenticate(apiKey(REVOKED), null))).isEqualTo(AuthenticationFailure.Reason.API_KEY_REVOKED);
        assertThat(refusal(() -> authenticator.authenticate(apiKey(KEY, KEY), null))).isEqualTo(AuthenticationFailure.Reason.CREDENTIALS_AMBIGUOUS);
    }

    @Test
    void apiKeyFiles_nameTheEntryAtFault(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("keys.json"), """
                {"keys": [{"name": "ok", "sha256": "%s"}, {"name": "bad", "sha256": "nope"}]}""".formatted(hex(KEY)));
        assertThatThrownBy(() -> ApiKeyAuthenticator.fromFile(file)).hasMessageContaining("keys[1]");
    }

    @Test
    void apiKeyFiles_listingOneKeyTwice_areRefused_soThatARevocationCannotBeShadowed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("keys.json"), """
                {"keys": [{"name": "bot", "sha256": "%s"}, {"name": "bot-old", "sha256": "%s", "revoked": true}]}"""
                .formatted(hex(KEY), hex(KEY).toUpperCase()));
        assertThatThrownBy(() -> ApiKeyAuthenticator.fromFile(file)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("keys[1]").hasMessageContaining("keys[0]").hasMessageNotContaining(hex(KEY));
    }

    @Test
    void authenticators_comeInTheirFixedOrder(@TempDir Path dir) throws Exception {
        Path keys = Files.writeString(dir.resolve("keys.json"), "{\"keys\": []}");
        AuthSettings settings = AuthSettings.defaults()
                .withJwt(List.of("https://issuer.example/v2.0"), List.of("aud"), "https://127.0.0.1:9/keys")
                .withApiKeys(keys).withClientCertificates(dir.resolve("ca.pem"), false, Map.of());
        assertThat(Authenticators.from(settings, Clock.systemUTC())).extracting(Object::getClass)
                .containsExactly(JwtAuthenticator.class, ApiKeyAuthenticator.class, MtlsAuthenticator.class);
        assertThat(Authenticators.from(AuthSettings.defaults(), Clock.systemUTC())).isEmpty();
        assertThat(Authenticators.from(AuthSettings.defaults().withApiKeys(keys), Clock.systemUTC()))
                .extracting(Object::getClass).containsExactly(ApiKeyAuthenticator.class);
    }

    @Test
    void theKeySetUrl_isReadFromTheIssuersOpenIdMetadata() throws Exception {
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        Map<String, String> bodies = Map.of("/good/v2.0/.well-known/openid-configuration", "{\"jwks_uri\": \"" + base + "/keys\"}",
                "/none/.well-known/openid-configuration", "{}", "/bad/.well-known/openid-configuration", "not json");
        bodies.forEach((path, body) -> http.createContext(path, exchange -> {
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        }));
        http.start();
        try {
            AuthSettings good = AuthSettings.defaults()
                    .withJwt(List.of(base + "/good/v2.0//"), List.of("aud"), null);
            assertThat(JwtAuthenticator.fromSettings(good, Clock.systemUTC())).isNotNull();
            assertThat(JwtAuthenticator.fromSettings(good, Clock.systemUTC()).challenge()).isEqualTo("Bearer realm=\"hubgate\"");
            assertThatThrownBy(() -> JwtAuthenticator.fromSettings(AuthSettings.defaults()
                    .withJwt(List.of(base + "/none"), List.of("aud"), null), Clock.systemUTC()))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("no jwks_uri");
            assertThatThrownBy(() -> JwtAuthenticator.fromSettings(AuthSettings.defaults()
                    .withJwt(List.of(base + "/bad"), List.of("aud"), null), Clock.systemUTC()))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("not JSON");
        } finally {
            http.stop(0);
        }
    }

    @Test
    void keysRead_isTheRoleThatReadsKeys() throws Exception {
        RoleKeyAccess access = new RoleKeyAccess();
        assertThat(access.requiredRole()).isEqualTo("Keys.Read");
        assertThat(access.mayReadKeys()).isFalse();
        assertThat(AuthContext.authenticated(new Principal("k", null, null, Set.of("Keys.Read"), "jwt")).call(access::mayReadKeys)).isTrue();
        assertThat(AuthContext.authenticated(new Principal("k", null, null, Set.of("Registry.Read"), "jwt")).call(access::mayReadKeys)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"keys\": [{\"name\": \"a\", \"sha256\": \"%s0\"}]}", "{\"keys\": [{\"name\": \"a\", \"sha256\": \"zz%s\"}]}",
            "{\"keys\": [{\"name\": \"\", \"sha256\": \"%s\"}]}", "{\"keys\": [{\"sha256\": \"%s\"}]}",
            "{\"keys\": [{\"name\": \"a\"}]}", "{\"keys\": [{\"name\": \"a\", \"sha256\": 7}]}", "[%s]", "not json %s",
            "{\"keys\": [{\"name\": \"a\", \"sha256\": \"%s\", \"revoked\": \"yes\"}]}"})
    void apiKeyFiles_malformed_areRefusedAtStart(String template, @TempDir Path dir) throws Exception {
        String hash = hex(KEY).substring(0, template.contains("zz%s") ? 62 : 64);
        Path file = Files.writeString(dir.resolve("keys.json"), template.formatted(hash));
        assertThatThrownBy(() -> ApiKeyAuthenticator.fromFile(file)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining(file.toString()).satisfies(e -> assertThat(e.getMessage()).doesNotContain(hash));
    }

    // ---- client certificates

    private static X509Certificate certificate(String subject, GeneralName... alternativeNames) throws Exception {
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(subject), BigInteger.ONE,
                Date.from(NOW.minus(Duration.ofDays(1))), Date.from(NOW.plus(Duration.ofDays(1))), new X500Name(subject), keys.getPublic());
        if (alternativeNames.length > 0) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternativeNames));
        }
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    }

    private static SSLSession session(Certificate... peer) {
        return (SSLSession) Proxy.newProxyInstance(CallerCredentialRulesTest.class.getClassLoader(), new Class<?>[] {SSLSession.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getPeerCertificates")) {
                        if (peer == null) {
                            throw new SSLPeerUnverifiedException("none");
                        }
                        return peer;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void certificates_areNamedByUriThenDnsThenCn() throws Exception {
        X509Certificate both = certificate("CN=billing, O=Example", new GeneralName(GeneralName.dNSName, "billing.example"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://example/billing"));
        assertThat(MtlsAuthenticator.identity(both)).isEqualTo("uri:spiffe://example/billing");
        assertThat(MtlsAuthenticator.identity(certificate("CN=billing", new GeneralName(GeneralName.dNSName, "billing.example"),
                new GeneralName(GeneralName.rfc822Name, "a@example")))).isEqualTo("dns:billing.example");
        assertThat(MtlsAuthenticator.identity(certificate("O=Example, CN=billing", new GeneralName(GeneralName.rfc822Name, "a@example"))))
                .isEqualTo("cn:billing");
        assertThat(MtlsAuthenticator.identity(certificate("CN=solo"))).isEqualTo("cn:solo");
    }

    @Test
    void aCertificateWithoutAName_isRefused() throws Exception {
        X509Certificate nameless = certificate("O=Example, OU=Ops");
        assertThat(refusal(() -> MtlsAuthenticator.identity(nameless))).isEqualTo(AuthenticationFailure.Reason.CLIENT_CERTIFICATE_INVALID);
    }

    @Test
    void mtls_givesTheConfiguredRoles_andNothingWithoutACertificate() throws Exception {
        MtlsAuthenticator mtls = new MtlsAuthenticator(Map.of("cn:billing", Set.of("Registry.Read")));
        Principal billing = mtls.authenticate(new Metadata(), session(certificate("CN=billing")));
        assertThat(billing.subject()).isEqualTo("cn:billing");
        assertThat(billing.roles()).containsExactly("Registry.Read");
        assertThat(billing.method()).isEqualTo("mtls");
        assertThat(mtls.authenticate(new Metadata(), session(certificate("CN=other"))).roles()).isEmpty();
        assertThat(mtls.authenticate(new Metadata(), null)).isNull();
        assertThat(mtls.authenticate(new Metadata(), session((Certificate[]) null))).isNull();
        assertThat(mtls.authenticate(new Metadata(), session())).isNull();
        assertThat(mtls.challenge()).contains("certificate");
    }

    @Test
    void principals_describeThemselves_andTheirIdentity() {
        Principal jwt = new Principal("oid-1", "app-1", "t1", Set.of("r"), "jwt");
        assertThat(jwt.describe()).isEqualTo("jwt:oid-1 (app app-1)");
        assertThat(new Principal("same", "same", null, Set.of(), "jwt").describe()).isEqualTo("jwt:same");
        assertThat(new Principal("bot", null, null, Set.of(), "api-key").describe()).isEqualTo("api-key:bot");
        assertThat(jwt.identity()).isEqualTo("jwt\u0000oid-1\u0000t1");
        assertThat(new Principal("bot", null, null, Set.of(), "api-key").identity()).isEqualTo("api-key\u0000bot\u0000");
        assertThat(jwt.identity()).isNotEqualTo(new Principal("oid-1", "app-1", "t2", Set.of("r"), "jwt").identity());
    }
}
