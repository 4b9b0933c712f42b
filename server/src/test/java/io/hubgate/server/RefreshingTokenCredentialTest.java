package io.hubgate.server;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.server.credential.RefreshingTokenCredential;
import io.hubgate.server.support.CountingTokenCredential;
import io.hubgate.server.support.CredentialFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RefreshingTokenCredential} around a real azure-identity credential whose tokens come from
 * an emulator's local Entra, counted by {@link CountingTokenCredential}. Two emulators: one with
 * Entra's usual token lifetime (nothing expires during a test), one with {@link #SHORT_LIFETIME}
 * tokens, refreshed at half their life, to watch refreshes happen in real time.
 */
class RefreshingTokenCredentialTest {

    /** Long enough for a token request on a busy machine, short enough to watch a few refreshes. */
    private static final Duration SHORT_LIFETIME = Duration.ofSeconds(12);
    /** Upper bound against hangs only: several token lifetimes. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int THREADS = 32;
    private static final TokenRequestContext IOT_HUB = new TokenRequestContext().addScopes("https://iothubs.azure.net/.default");
    private static final TokenRequestContext API = new TokenRequestContext().addScopes(DefaultDirectory.API_URI + "/.default");

    private static IotHubEmulator usualHub;
    private static IotHubEmulator shortLivedHub;

    @BeforeAll
    static void start() {
        usualHub = CredentialFixtures.emulator().build().start();
        shortLivedHub = CredentialFixtures.emulator().tokenLifetime(SHORT_LIFETIME).build().start();
    }

    @AfterAll
    static void stop() {
        usualHub.close();
        shortLivedHub.close();
    }

    /** The gateway app's real client-secret credential on that hub, counted. */
    private static CountingTokenCredential gatewayApp(IotHubEmulator hub) {
        EmulatorCoordinates at = hub.coordinates();
        TokenCredential real = new ClientSecretCredentialBuilder()
                .authorityHost(at.entra().authorityHost()).tenantId(at.entra().tenantId())
                .clientId(at.entra().application(DefaultDirectory.GATEWAY).clientId())
                .clientSecret(at.entra().application(DefaultDirectory.GATEWAY).secret())
                .disableInstanceDiscovery().httpClient(CredentialFixtures.TRUST.identityHttpClient()).build();
        return new CountingTokenCredential(real);
    }

    @Test
    void coldStart_32ThreadsAtOnce_makeOneTokenRequest_andShareItsToken() throws Exception {
        CountingTokenCredential upstream = gatewayApp(usualHub);
        Set<String> tokens = ConcurrentHashMap.newKeySet();
        try (RefreshingTokenCredential credential = new RefreshingTokenCredential(upstream)) {
            onThreads(start -> {
                start.await();
                for (int i = 0; i < 200; i++) {
                    tokens.add(i % 2 == 0 ? credential.getTokenSync(IOT_HUB).getToken()
                            : credential.getToken(IOT_HUB).block().getToken());
                }
                return null;
            });

            assertThat(upstream.requests()).isEqualTo(1);
            assertThat(credential.fetchCount()).isEqualTo(1);
            assertThat(tokens).hasSize(1);
        }
    }

    @Test
    void sdkClientsOn32Threads_shareOneTokenRequest() throws Exception {
        CountingTokenCredential upstream = gatewayApp(usualHub);
        String hub = usualHub.coordinates().hostWithPort();
        try (RefreshingTokenCredential credential = new RefreshingTokenCredential(upstream)) {
            // Cold SDK clients on many threads each ask for a token (their own cache is not thread-safe).
            RegistryClient registry = new RegistryClient(hub, credential);
            TwinClient twins = new TwinClient(hub, credential);
            String deviceId = CredentialFixtures.uniqueId("shared");
            new RegistryClient(hub, credential).addDevice(new Device(deviceId));

            onThreads(start -> {
                start.await();
                for (int i = 0; i < 5; i++) {
                    assertThat(registry.getDevice(deviceId).getDeviceId()).isEqualTo(deviceId);
                    assertThat(twins.get(deviceId).getDeviceId()).isEqualTo(deviceId);
                }
                return null;
            });

            assertThat(upstream.requests()).isEqualTo(1);
        }
    }

    @Test
    void cacheKey_separatesScopes() throws Exception {
        CountingTokenCredential upstream = gatewayApp(usualHub);
        try (RefreshingTokenCredential credential = new RefreshingTokenCredential(upstream)) {
            AccessToken hubToken = credential.getTokenSync(IOT_HUB);
            AccessToken apiToken = credential.getTokenSync(API);
            AccessToken hubAgain = credential.getTokenSync(new TokenRequestContext().addScopes("https://iothubs.azure.net/.default"));
            AccessToken apiAgain = credential.getTokenSync(API);

            assertThat(upstream.requests()).isEqualTo(2);
            assertThat(audience(hubToken)).contains("https://iothubs.azure.net");
            assertThat(audience(apiToken)).contains(DefaultDirectory.API_URI).doesNotContain("iothubs");
            assertThat(hubAgain.getToken()).isEqualTo(hubToken.getToken());
            assertThat(apiAgain.getToken()).isEqualTo(apiToken.getToken());
        }
    }

    @Test
    void underLoad_theTokenIsRefreshedOnceInTheBackground_beforeItExpires() throws Exception {
        CountingTokenCredential upstream = gatewayApp(shortLivedHub);
        try (RefreshingTokenCredential credential = new RefreshingTokenCredential(upstream)) {
            AccessToken first = credential.getTokenSync(IOT_HUB);
            AtomicInteger expiredHandOuts = new AtomicInteger();
            AtomicBoolean refreshed = new AtomicBoolean();
            Instant giveUp = Instant.now().plus(PATIENCE);

            onThreads(start -> {
                start.await();
                while (!refreshed.get() && Instant.now().isBefore(giveUp)) {
                    AccessToken token = credential.getTokenSync(IOT_HUB);
                    if (!token.getExpiresAt().toInstant().isAfter(Instant.now())) {
                        expiredHandOuts.incrementAndGet();
                    }
                    if (!token.getToken().equals(first.getToken())) {
                        refreshed.set(true);
                    }
                    Thread.sleep(2);
                }
                return null;
            });

            assertThat(refreshed).as("a second token within %s", PATIENCE).isTrue();
            assertThat(expiredHandOuts).hasValue(0);
            assertThat(upstream.requests()).as("one request for the first token, one for the refresh").isEqualTo(2);
            assertThat(upstream.requestTimes().get(1)).as("refreshed before the first token expired")
                    .isBefore(first.getExpiresAt().toInstant());
        }
    }

    @Test
    void failingRefresh_keepsServingTheValidToken_andRetriesUntilItGetsANewOne() throws Exception {
        // Requests 2 and 3 (the refresh and its first retry) fail; the second retry succeeds.
        CountingTokenCredential upstream = gatewayApp(shortLivedHub).failing(2, 2);
        try (RefreshingTokenCredential credential = new RefreshingTokenCredential(upstream)) {
            AccessToken first = credential.getTokenSync(IOT_HUB);
            List<AccessToken> handedOut = callUntilTheTokenChanges(credential, first);

            AccessToken last = last(handedOut);
            assertThat(handedOut.subList(0, handedOut.size() - 1)).allSatisfy(token ->
                    assertThat(token.getToken()).isEqualTo(first.getToken()));
            assertThat(last.getToken()).isNotEqualTo(first.getToken());
            assertThat(upstream.requests()).as("first, two failures, the successful retry").isEqualTo(4);
            assertThat(upstream.requestTimes().get(3)).isBefore(first.getExpiresAt().toInstant());
            // What the metrics read: two tokens obtained, two failed refreshes, the served token's times.
            assertThat(credential.refreshes()).isEqualTo(2);
            assertThat(credential.refreshFailures()).isEqualTo(2);
            assertThat(credential.expiresAt()).isEqualTo(last.getExpiresAt().toInstant());
            assertThat(credential.obtainedAt()).isAfterOrEqualTo(upstream.requestTimes().get(3)).isBeforeOrEqualTo(Instant.now());
        }
    }

    @Test
    void outageLongerThanTheToken_recoversWithOneRequest_andKeepsOneRefreshSchedule() throws Exception {
        // The refresh and its retries at +1 s and +2 s fail; the next retry is due 4 s later,
        // after the token has expired, so a caller's request recovers first.
        CountingTokenCredential upstream = gatewayApp(shortLivedHub).failing(2, 3);
        try (RefreshingTokenCredential credential = new RefreshingTokenCredential(upstream)) {
            AccessToken first = credential.getTokenSync(IOT_HUB);
            AccessToken recovered = last(callUntilTheTokenChanges(credential, first));
            AccessToken next = last(callUntilTheTokenChanges(credential, recovered));

            assertThat(next.getToken()).isNotEqualTo(recovered.getToken());
            // The one request after recovery is the scheduled refresh at the recovered token's
            // half-life; a stale retry left over from the outage would come earlier.
            List<Instant> times = upstream.requestTimes();
            assertThat(times).as("first, three failures, recovery, one refresh").hasSize(6);
            Instant recoveredAt = times.get(4);
            assertThat(times.get(5)).isAfterOrEqualTo(recoveredAt.plus(SHORT_LIFETIME.dividedBy(2)).minusMillis(500));
        }
    }

    private static AccessToken last(List<AccessToken> tokens) {
        return tokens.get(tokens.size() - 1);
    }

    /** Calls every 50 ms until a token other than {@code current} comes back; returns every token handed out. */
    private static List<AccessToken> callUntilTheTokenChanges(RefreshingTokenCredential credential, AccessToken current) {
        List<AccessToken> handedOut = new ArrayList<>();
        await("a new token").atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
            AccessToken token = credential.getTokenSync(IOT_HUB);
            assertThat(token.getExpiresAt().toInstant()).as("a token handed out is unexpired").isAfter(Instant.now());
            handedOut.add(token);
            return !token.getToken().equals(current.getToken());
        });
        return handedOut;
    }

    private interface Work {
        Void run(CountDownLatch start) throws Exception;
    }

    /** Runs {@code work} on {@link #THREADS} threads released together; rethrows the first failure. */
    private static void onThreads(Work work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Void>> results = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                results.add(pool.submit(() -> work.run(start)));
            }
            start.countDown();
            for (Future<Void> result : results) {
                result.get(PATIENCE.toSeconds() * 2, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String audience(AccessToken token) {
        String payload = token.getToken().split("\\.")[1];
        return new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8).replace("\\/", "/");
    }
}
