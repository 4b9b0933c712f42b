package io.hubgate.emulator.faults;

import io.hubgate.emulator.support.MovableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final Ticker ticker = clock::nanos;

    @Test
    void startsFull_andRefusesTheTakeAfterCapacity() {
        TokenBucket bucket = new TokenBucket(5, 1, Duration.ofSeconds(1), ticker);

        for (int i = 0; i < 5; i++) {
            assertThat(bucket.tryTake(1)).isZero();
        }
        assertThat(bucket.tryTake(1)).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void refillsAtItsRate_andNeverBeyondCapacity() {
        TokenBucket bucket = new TokenBucket(10, 2, Duration.ofSeconds(1), ticker);
        for (int i = 0; i < 10; i++) {
            bucket.tryTake(1);
        }

        clock.advance(Duration.ofMillis(1500));
        assertThat(bucket.available()).isEqualTo(3.0);
        clock.advance(Duration.ofHours(1));
        assertThat(bucket.available()).isEqualTo(10.0);
    }

    @Test
    void waitReported_isTheTimeUntilTheWantedTokensAreBack() {
        TokenBucket bucket = new TokenBucket(40, 40, Duration.ofSeconds(1), ticker);
        assertThat(bucket.tryTake(30)).isZero();

        // 10 left; 32 wanted; 22 more at 40/s take 550 ms.
        assertThat(bucket.tryTake(32)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(550));
        clock.advance(Duration.ofMillis(549));
        assertThat(bucket.tryTake(32)).isPositive();
        clock.advance(Duration.ofMillis(1));
        assertThat(bucket.tryTake(32)).isZero();
    }

    @Test
    void aPerMinuteRate_refillsExactly() {
        TokenBucket bucket = new TokenBucket(100, 100, Duration.ofMinutes(1), ticker);
        for (int i = 0; i < 100; i++) {
            bucket.tryTake(1);
        }

        clock.advance(Duration.ofSeconds(6));

        assertThat(bucket.available()).isEqualTo(10.0);
        assertThat(bucket.tryTake(11)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(600));
    }

    @Test
    void aTakeLargerThanCapacity_isAProgrammingError() {
        TokenBucket bucket = new TokenBucket(4, 1, Duration.ofSeconds(1), ticker);

        assertThatThrownBy(() -> bucket.tryTake(5)).isInstanceOf(IllegalArgumentException.class);
    }
}
