package io.hubgate.emulator.faults;

import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.emulator.support.MovableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TierQuotaTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final Ticker ticker = clock::nanos;

    /** Admits requests of one class until the first refusal; returns how many got through. */
    private static int admittedBeforeRefusal(TierQuota quota, OperationClass operationClass, int bodyBytes) {
        int admitted = 0;
        while (admitted < 1_000_000) {
            try {
                quota.admit(operationClass, bodyBytes);
                admitted++;
            } catch (HubException refused) {
                return admitted;
            }
        }
        throw new AssertionError("never refused");
    }

    @ParameterizedTest(name = "{0} x {1}: registry {2}/min, queries {3}/min, twin reads {4}/s, twin updates {5}/s")
    @CsvSource({
            "S1, 1, 100, 20, 100, 50",
            "S1, 10, 1000, 200, 100, 50",
            "S2, 1, 100, 20, 100, 50",
            "S2, 20, 2000, 400, 200, 100",
            "S3, 1, 5000, 1000, 500, 250",
            "S3, 4, 20000, 4000, 2000, 1000"})
    void eachTierAndSize_admitsItsDocumentedBurst(HubTier tier, int units, int registry, int queries, int twinReads,
                                                  int twinUpdates) {
        TierQuota quota = new TierQuota(tier, units, ticker);

        assertThat(admittedBeforeRefusal(quota, OperationClass.REGISTRY, 0)).isEqualTo(registry);
        assertThat(admittedBeforeRefusal(quota, OperationClass.QUERY, 0)).isEqualTo(queries);
        assertThat(admittedBeforeRefusal(quota, OperationClass.TWIN_READ, 0)).isEqualTo(twinReads);
        assertThat(admittedBeforeRefusal(quota, OperationClass.TWIN_WRITE, 0)).isEqualTo(twinUpdates);
    }

    @ParameterizedTest(name = "{0} x {1}: {2} operations per minute refill")
    @CsvSource({"S1, 1, 100", "S2, 3, 300", "S3, 2, 10000"})
    void registryRefill_isThePerMinuteLimitSpreadOverTheMinute(HubTier tier, int units, int perMinute) {
        TierQuota quota = new TierQuota(tier, units, ticker);
        admittedBeforeRefusal(quota, OperationClass.REGISTRY, 0);

        clock.advance(Duration.ofSeconds(6));

        assertThat(admittedBeforeRefusal(quota, OperationClass.REGISTRY, 0)).isEqualTo(perMinute / 10);
    }

    @ParameterizedTest(name = "{0} x {1}: twin reads refill {2}/s")
    @CsvSource({"S1, 5, 100", "S2, 30, 300", "S3, 2, 1000"})
    void twinReadRefill_isThePerSecondLimit(HubTier tier, int units, int perSecond) {
        TierQuota quota = new TierQuota(tier, units, ticker);
        admittedBeforeRefusal(quota, OperationClass.TWIN_READ, 0);

        clock.advance(Duration.ofMillis(250));

        assertThat(admittedBeforeRefusal(quota, OperationClass.TWIN_READ, 0)).isEqualTo(perSecond / 4);
    }

    @ParameterizedTest(name = "a {0}-byte method body costs {1} chunks of 4 KB")
    @CsvSource({"0, 1", "1, 1", "4096, 1", "4097, 2", "8192, 2", "131072, 32", "131073, 33"})
    void methodPayload_isMeteredInStartedFourKilobyteChunks(int bodyBytes, int chunks) {
        assertThat(TierQuota.methodChunks(bodyBytes)).isEqualTo(chunks);
    }

    @Test
    void directMethods_onS1OneUnit_take160KilobytesPerSecond() {
        TierQuota quota = new TierQuota(HubTier.S1, 1, ticker);

        // 160 KB/s = 40 chunks: ten 16 KB calls, or forty calls of 1 byte.
        assertThat(admittedBeforeRefusal(quota, OperationClass.METHODS, 16 * 1024)).isEqualTo(10);
        clock.advance(Duration.ofSeconds(1));
        assertThat(admittedBeforeRefusal(quota, OperationClass.METHODS, 1)).isEqualTo(40);
        clock.advance(Duration.ofMillis(100));
        assertThat(admittedBeforeRefusal(quota, OperationClass.METHODS, 4 * 1024)).isEqualTo(4);
    }

    @Test
    void directMethods_onS3_take24MegabytesPerSecondPerUnit() {
        TierQuota quota = new TierQuota(HubTier.S3, 2, ticker);

        assertThat(admittedBeforeRefusal(quota, OperationClass.METHODS, 128 * 1024)).isEqualTo(2 * 24 * 1024 / 128);
    }

    @Test
    void aMethodBodyLargerThanTheBucket_takesTheWholeBucket() {
        TierQuota quota = new TierQuota(HubTier.S1, 1, ticker);

        assertThat(admittedBeforeRefusal(quota, OperationClass.METHODS, 200 * 1024)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(admittedBeforeRefusal(quota, OperationClass.METHODS, 200 * 1024)).isEqualTo(1);
    }

    @Test
    void refusal_is429001NamingTierAndLimit_withRetryAfterUntilTheNextToken() {
        TierQuota quota = new TierQuota(HubTier.S1, 1, ticker);
        admittedBeforeRefusal(quota, OperationClass.REGISTRY, 0);
        clock.advance(Duration.ofMillis(100));

        assertThatThrownBy(() -> quota.admit(OperationClass.REGISTRY, 0))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(HubErrorCode.THROTTLING_EXCEPTION);
                    assertThat(e.getMessage()).contains("S1").contains("1 unit").contains("100 registry operations per minute");
                    // One token per 0.6 s; 0.1 s have passed: 0.5 s to go, rounded up to whole seconds.
                    assertThat(e.headers()).containsEntry("Retry-After", "1");
                });
    }

    @Test
    void classesAreMeteredApart_andTokenAndControlNotAtAll() {
        TierQuota quota = new TierQuota(HubTier.S1, 1, ticker);
        admittedBeforeRefusal(quota, OperationClass.TWIN_READ, 0);

        assertThat(admittedBeforeRefusal(quota, OperationClass.TWIN_WRITE, 0)).isEqualTo(50);
        for (int i = 0; i < 10_000; i++) {
            quota.admit(OperationClass.TOKEN, 0);
            quota.admit(OperationClass.CONTROL, 0);
        }
    }

    @Test
    void unitsOutsideTheTiersRange_areRefused() {
        assertThatThrownBy(() -> new TierQuota(HubTier.S3, 11, ticker)).hasMessageContaining("1 to 10 units");
        assertThatThrownBy(() -> new TierQuota(HubTier.S1, 0, ticker)).hasMessageContaining("1 to 200 units");
    }
}
