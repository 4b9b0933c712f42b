package io.hubgate.server.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.grpc.ClientInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.StreamQueryTwinsRequest;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultRule;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every bad credential is refused UNAUTHENTICATED, on a unary and on a streaming RPC, with a
 * description that repeats no part of the credential, and without any request reaching the hub
 * (a zero-latency fault rule on every operation class counts the emulator's requests; a valid
 * call at the end shows that it does count).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadCredentialsTest {

    private static final String GOOD_KEY = "hk_" + UUID.randomUUID() + UUID.randomUUID();
    private static final String REVOKED_KEY = "hk_" + UUID.randomUUID() + UUID.randomUUID();
    private static final String OTHER_TENANT = "0c4e1f2a-9b8d-4c3e-a1f0-7e6d5c4b3a29";

    private TestGateway owner;
    private TestGateway gateway;
    private EntraCoordinates entra;
    private RSAKey publishedKey;
    private FaultRule upstream;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        owner = TestGateway.start();
        entra = owner.hub().coordinates().entra();
        Path keys = Files.writeString(dir.resolve("api-keys.json"), """
                {"keys": [
                  {"name": "ci-bot", "sha256": "%s", "roles": ["Registry.Read"]},
                  {"name": "old-bot", "sha256": "%s", "roles": ["Registry.Read"], "revoked": true}
                ]}""".formatted(hex(GOOD_KEY), hex(REVOKED_KEY)));
        gateway = owner.sibling(DefaultDirectory.GATEWAY, 8, 100, config -> config.withAuth(
                config.auth().withJwtTenants(Set.of(entra.tenantId())).withApiKeys(keys)));
        publishedKey = JWKSet.load(URI.create(entra.jwksUri()).toURL()).getKeys().stream()
                .filter(k -> k instanceof RSAKey).map(k -> (RSAKey) k).findFirst().orElseThrow();
        upstream = owner.hub().faults().add(new FaultSpec(null, FaultKind.LATENCY, 0, null, null, 1.0, null, null));
    }

    @AfterAll
    void stop() throws Exception {
        owner.hub().faults().remove(upstream.id());
        gateway.close();
        owner.close();
    }

    Stream<Arguments> badCredentials() throws Exception {
        List<Arguments> cases = new ArrayList<>();
        Consumer<Object[]> add = c -> cases.add(Arguments.of(c));
        add.accept(new Object[] {"no credential at all", null, ""});
        add.accept(new Object[] {"Basic scheme", "authorization", "Basic dXNlcjpwYXNzd29yZA=="});
        add.accept(new Object[] {"unknown Token scheme", "authorization", "Token " + valid(c -> { })});
        add.accept(new Object[] {"Bearer without a token", "authorization", "Bearer"});
        add.accept(new Object[] {"Bearer with only spaces", "authorization", "Bearer    "});
        add.accept(new Object[] {"garbage token", "authorization", "Bearer not-a-jwt-at-all"});
        String good = valid(c -> { });
        add.accept(new Object[] {"truncated JWT", "authorization", "Bearer " + good.substring(0, good.length() - 12)});
        add.accept(new Object[] {"two-part JWT", "authorization", "Bearer " + good.substring(0, good.lastIndexOf('.'))});
        add.accept(new Object[] {"bad base64 in the header", "authorization", "Bearer !!!!" + good.substring(4)});
        add.accept(new Object[] {"expired", "authorization", "Bearer " + valid(c -> c.expirationTime(ago(Duration.ofMinutes(10))))});
        add.accept(new Object[] {"expired just beyond the skew", "authorization", "Bearer " + valid(c -> c.expirationTime(ago(Duration.ofSeconds(90))))});
        add.accept(new Object[] {"not yet valid beyond the skew", "authorization", "Bearer " + valid(c -> c.notBeforeTime(ago(Duration.ofMinutes(-10))))});
        add.accept(new Object[] {"missing exp", "authorization", "Bearer " + valid(c -> c.expirationTime(null))});
        add.accept(new Object[] {"exp that is not a number", "authorization", "Bearer " + valid(c -> c.claim("exp", "tomorrow"))});
        add.accept(new Object[] {"wrong issuer", "authorization", "Bearer " + valid(c -> c.issuer("https://login.example.com/" + entra.tenantId() + "/v2.0"))});
        add.accept(new Object[] {"missing issuer", "authorization", "Bearer " + valid(c -> c.issuer(null))});
        add.accept(new Object[] {"wrong audience", "authorization", "Bearer " + valid(c -> c.audience("https://iothubs.azure.net"))});
        add.accept(new Object[] {"missing audience", "authorization", "Bearer " + valid(c -> c.audience((String) null))});
        add.accept(new Object[] {"tenant not allowed", "authorization", "Bearer " + valid(c -> c.claim("tid", OTHER_TENANT))});
        add.accept(new Object[] {"no tenant claim", "authorization", "Bearer " + valid(c -> c.claim("tid", null))});
        add.accept(new Object[] {"another tenant's v2 issuer", "authorization", "Bearer " + valid(c -> c
                .issuer("https://login.microsoftonline.com/" + OTHER_TENANT + "/v2.0").claim("tid", OTHER_TENANT))});
        add.accept(new Object[] {"another tenant's v1 issuer", "authorization", "Bearer " + valid(c -> c
                .issuer("https://sts.windows.net/" + OTHER_TENANT + "/").claim("tid", OTHER_TENANT))});
        add.accept(new Object[] {"no subject", "authorization", "Bearer " + valid(c -> c.subject(null).claim("oid", null))});
        add.accept(new Object[] {"roles that are not a list", "authorization", "Bearer " + valid(c -> c.claim("roles", "Registry.Read"))});
        add.accept(new Object[] {"signature with a flipped byte", "authorization", "Bearer " + flipSignatureByte(good)});
        add.accept(new Object[] {"payload changed after signing", "authorization", "Bearer " + swapPayload(good)});
        RSAKey stranger = new RSAKeyGenerator(2048).keyID(publishedKey.getKeyID()).generate();
        add.accept(new Object[] {"signed by another key under the issuer's kid", "authorization",
                "Bearer " + signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(publishedKey.getKeyID()), new RSASSASigner(stranger))});
        add.accept(new Object[] {"unknown kid", "authorization",
                "Bearer " + signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("unknown-" + UUID.randomUUID()), new RSASSASigner(stranger))});
        add.accept(new Object[] {"no kid, signed by another key", "authorization",
                "Bearer " + signed(new JWSHeader.Builder(JWSAlgorithm.RS256), new RSASSASigner(stranger))});
        add.accept(new Object[] {"alg none", "authorization", "Bearer " + new PlainJWT(new PlainHeader(), claims().build()).serialize()});
        add.accept(new Object[] {"HS256 signed with the issuer's public key as the secret", "authorization",
                "Bearer " + signed(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(publishedKey.getKeyID()),
                new MACSigner(publishedKey.toRSAPublicKey().getEncoded()))});
        add.accept(new Object[] {"RS384, an algorithm not allowed", "authorization",
                "Bearer " + signed(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(publishedKey.getKeyID()), new RSASSASigner(stranger))});
        ECKey p256 = new ECKeyGenerator(Curve.P_256).keyID(publishedKey.getKeyID()).generate();
        add.accept(new Object[] {"ES256 by a key the issuer never published", "authorization",
                "Bearer " + signed(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(publishedKey.getKeyID()), new ECDSASigner(p256))});
        ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID(publishedKey.getKeyID()).generate();
        add.accept(new Object[] {"ES384 on the P-384 curve", "authorization",
                "Bearer " + signed(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(publishedKey.getKeyID()), new ECDSASigner(p384))});
        add.accept(new Object[] {"an API key sent as a bearer token", "authorization", "Bearer " + GOOD_KEY});
        add.accept(new Object[] {"API key wrong", "x-api-key", "hk_" + UUID.randomUUID() + UUID.randomUUID()});
        add.accept(new Object[] {"API key one character longer", "x-api-key", GOOD_KEY + "x"});
        add.accept(new Object[] {"API key revoked", "x-api-key", REVOKED_KEY});
        add.accept(new Object[] {"API key empty", "x-api-key", ""});
        add.accept(new Object[] {"ApiKey scheme with a wrong key", "authorization", "ApiKey hk_" + UUID.randomUUID()});
        add.accept(new Object[] {"ApiKey scheme with a revoked key", "authorization", "ApiKey " + REVOKED_KEY});
        add.accept(new Object[] {"hash of the key instead of the key", "x-api-key", hex(GOOD_KEY)});
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("badCredentials")
    void badCredential_isRefusedUnauthenticated_onUnaryAndStreamingCalls_withoutReachingTheHub(
            String name, String header, String value) {
        long before = upstream.fired();
        List<ClientInterceptor> credential = header == null ? List.of() : List.of(TestGateway.header(header, value));
        io.grpc.Channel channel = gateway.channelWith(credential.toArray(ClientInterceptor[]::new));

        StatusRuntimeException unary = catchStatus(() -> RegistryServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS).getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()));
        StatusRuntimeException streaming = catchStatus(() -> {
            Iterator<?> rows = TwinServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .streamQueryTwins(StreamQueryTwinsRequest.newBuilder().setQuery("SELECT * FROM devices").build());
            rows.hasNext();
        });

        for (StatusRuntimeException refused : List.of(unary, streaming)) {
            assertThat(refused.getStatus().getCode()).as(name).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(refused.getStatus().getDescription()).as(name).isNotBlank();
            for (String part : secretParts(value)) {
                assertThat(refused.getStatus().getDescription()).as(name + ": no credential text").doesNotContain(part);
            }
        }
        assertThat(upstream.fired()).as(name + ": requests that reached the hub").isEqualTo(before);
    }

    @Test
    void theCredentialsThatTheBadOnesWereMadeFrom_areAccepted_andDoReachTheHub() throws Exception {
        long before = upstream.fired();
        assertThat(RegistryServiceGrpc.newBlockingStub(gateway.channelWith(TestGateway.bearer(valid(c -> { }))))
                .withDeadlineAfter(20, TimeUnit.SECONDS).getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()))
                .isNotNull();
        assertThat(RegistryServiceGrpc.newBlockingStub(gateway.channelWith(TestGateway.header("x-api-key", GOOD_KEY)))
                .withDeadlineAfter(20, TimeUnit.SECONDS).getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()))
                .isNotNull();
        assertThat(upstream.fired()).as("the counter counts hub requests").isGreaterThan(before);
    }

    @Test
    void noCredential_isAnsweredWithAChallengeNamingTheAcceptedKinds() {
        StatusRuntimeException refused = catchStatus(() -> RegistryServiceGrpc.newBlockingStub(gateway.channelWith())
                .withDeadlineAfter(20, TimeUnit.SECONDS).getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refused.getStatus().getDescription()).contains("Bearer realm=\"hubgate\"").contains("x-api-key");
    }

    private static StatusRuntimeException catchStatus(Runnable call) {
        List<StatusRuntimeException> thrown = new ArrayList<>();
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, thrown::add);
        return thrown.get(0);
    }

    /** The pieces of a credential that must never be echoed: the whole value and each long segment. */
    private static List<String> secretParts(String value) {
        List<String> parts = new ArrayList<>();
        String credential = value.contains(" ") ? value.substring(value.indexOf(' ') + 1).trim() : value;
        if (credential.length() >= 8) {
            parts.add(credential);
        }
        for (String segment : credential.split("\\.")) {
            if (segment.length() >= 8) {
                parts.add(segment);
            }
        }
        return parts;
    }

    private JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(entra.issuer()).audience(DefaultDirectory.API_URI)
                .subject("bad-credentials-caller").claim("oid", "bad-credentials-caller").claim("tid", entra.tenantId())
                .claim("azp", "bad-credentials-app").claim("roles", List.of("Registry.Read"))
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(30))));
    }

    /** Good claims changed by {@code change}, signed with the issuer's real key. */
    private String valid(Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder builder = claims();
        change.accept(builder);
        return entra.sign(builder.build());
    }

    private String signed(JWSHeader.Builder header, JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(header.type(JOSEObjectType.JWT).build(), claims().build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static Date ago(Duration duration) {
        return Date.from(Instant.now().minus(duration));
    }

    private static String flipSignatureByte(String token) {
        String[] parts = token.split("\\.");
        byte[] signature = Base64URL.from(parts[2]).decode();
        signature[signature.length / 2] ^= 0x01;
        return parts[0] + "." + parts[1] + "." + Base64URL.encode(signature);
    }

    /** The signature of one token over the payload of another (same issuer, more roles). */
    private String swapPayload(String token) {
        String richer = valid(c -> c.claim("roles", DefaultDirectory.API_ROLES));
        String[] parts = token.split("\\.");
        return parts[0] + "." + richer.split("\\.")[1] + "." + parts[2];
    }

    private static String hex(String key) {
        return HexFormat.of().formatHex(ApiKeyAuthenticator.sha256(key));
    }
}
