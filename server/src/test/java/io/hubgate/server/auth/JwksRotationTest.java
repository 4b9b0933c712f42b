package io.hubgate.server.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The issuer rotates its signing key while the gateway runs: tokens of the new key are accepted
 * without a restart, tokens of the old key keep working, and an outage of the JWKS endpoint does
 * not reject tokens whose key the gateway has cached.
 */
class JwksRotationTest {

    /** How long the JWKS cache may take to expire and refresh: many times its 300 ms lifetime. */
    private static final Duration WAIT = Duration.ofSeconds(20);

    private TestGateway owner;
    private EntraCoordinates entra;

    @BeforeEach
    void start() {
        owner = TestGateway.start();
        entra = owner.hub().coordinates().entra();
    }

    @AfterEach
    void stop() throws Exception {
        owner.close();
    }

    @Test
    void afterARotation_newTokensAreAccepted_withoutARestart_andOldTokensStillWork() {
        String oldToken = entra.accessToken(DefaultDirectory.READER, DefaultDirectory.API_URI);
        assertThat(call(owner, oldToken)).isTrue();

        String newKid = entra.rotateSigningKey();
        String newToken = entra.accessToken(DefaultDirectory.READER, DefaultDirectory.API_URI);

        assertThat(kidOf(newToken)).isEqualTo(newKid).isNotEqualTo(kidOf(oldToken));
        assertThat(call(owner, newToken)).as("a token of the new key").isTrue();
        assertThat(call(owner, oldToken)).as("a token of the old key").isTrue();
    }

    @Test
    void duringAJwksOutage_tokensOfCachedKeysAreAccepted_andUnknownKeysAreNot() throws Exception {
        AtomicBoolean down = new AtomicBoolean(false);
        AtomicInteger refusedFetches = new AtomicInteger();
        HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/keys", exchange -> {
            byte[] body;
            int code;
            if (down.get()) {
                refusedFetches.incrementAndGet();
                code = 503;
                body = "{\"error\":\"down\"}".getBytes(StandardCharsets.UTF_8);
            } else {
                code = 200;
                body = loadIssuerKeys().toString(true).getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(code, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
        Duration cacheTtl = Duration.ofMillis(300);
        String url = "http://127.0.0.1:" + jwks.getAddress().getPort() + "/keys";
        try (TestGateway gateway = owner.sibling(DefaultDirectory.GATEWAY, 8, 100, config -> config.withAuth(
                AuthSettings.defaults().withJwt(List.of(entra.issuer()), List.of(DefaultDirectory.API_URI), url)
                        .withJwksTiming(new AuthSettings.JwksTiming(cacheTtl, Duration.ofMillis(10), Duration.ofHours(1)))))) {
            String token = entra.accessToken(DefaultDirectory.READER, DefaultDirectory.API_URI);
            assertThat(call(gateway, token)).isTrue();

            down.set(true);
            // Once the cache has expired, a call makes the gateway try the endpoint, and still succeeds.
            await().atMost(WAIT).pollInterval(cacheTtl.dividedBy(3)).untilAsserted(() -> {
                assertThat(call(gateway, token)).as("a token of a cached key during the outage").isTrue();
                assertThat(refusedFetches.get()).as("the gateway did try the JWKS endpoint").isPositive();
            });

            entra.rotateSigningKey();
            String unknownKey = entra.accessToken(DefaultDirectory.READER, DefaultDirectory.API_URI);
            assertThatThrownBy(() -> call(gateway, unknownKey)).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

            down.set(false);
            await("the new key once the endpoint is back").atMost(WAIT).pollInterval(cacheTtl.dividedBy(3))
                    .ignoreException(StatusRuntimeException.class).until(() -> call(gateway, unknownKey));
        } finally {
            jwks.stop(0);
        }
    }

    @Test
    void withoutAJwksUrl_theKeysAreFoundFromTheIssuersOpenIdMetadata() throws Exception {
        try (TestGateway gateway = owner.sibling(DefaultDirectory.GATEWAY, 8, 100, config -> config.withAuth(
                AuthSettings.defaults().withJwt(List.of(entra.issuer()), List.of(DefaultDirectory.API_URI), null)))) {
            assertThat(call(gateway, entra.accessToken(DefaultDirectory.READER, DefaultDirectory.API_URI))).isTrue();
        }
    }

    private JWKSet loadIssuerKeys() {
        try {
            return JWKSet.load(URI.create(entra.jwksUri()).toURL());
        } catch (Exception e) {
            throw new IllegalStateException("the emulator's JWKS cannot be read", e);
        }
    }

    private static boolean call(TestGateway gateway, String token) {
        return RegistryServiceGrpc.newBlockingStub(gateway.channelWith(TestGateway.bearer(token)))
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()) != null;
    }

    private static String kidOf(String token) {
        try {
            return com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getKeyID();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
