package io.hubgate.emulator.faults;

import java.time.Duration;
import java.util.Objects;

/**
 * A token bucket: holds at most {@code capacity} tokens, gains {@code refillTokens} per
 * {@code refillPeriod} continuously, and starts full. The rate is kept as that fraction rather
 * than as a rounded tokens-per-nanosecond, so that e.g. 100 per minute gives exactly 10 tokens
 * after 6 seconds. A request takes its tokens whole or not at all; it never waits
 * and never goes into debt.
 *
 * <p>It does not know what a token means (an operation, a 4 KB chunk of payload) nor what to do
 * when empty; {@link TierQuota} decides that. Thread-safe: every method locks the bucket.
 */
final class TokenBucket {

    private final double capacity;
    private final double refillTokens;
    private final double refillPeriodNanos;
    private final Ticker ticker;
    private double tokens;
    private long lastRefill;

    TokenBucket(double capacity, double refillTokens, Duration refillPeriod, Ticker ticker) {
        if (!(capacity >= 1) || !(refillTokens > 0) || refillPeriod.isNegative() || refillPeriod.isZero()) {
            throw new IllegalArgumentException("a bucket needs capacity >= 1 and a positive rate, not "
                    + capacity + " and " + refillTokens + " per " + refillPeriod);
        }
        this.capacity = capacity;
        this.refillTokens = refillTokens;
        this.refillPeriodNanos = refillPeriod.toNanos();
        this.ticker = Objects.requireNonNull(ticker);
        this.tokens = capacity;
        this.lastRefill = ticker.nanos();
    }

    /**
     * Takes {@code wanted} tokens if the bucket holds them.
     *
     * @param wanted at least 1 and at most the capacity (a larger request could never be served)
     * @return 0 when taken; otherwise the nanoseconds until the bucket will hold {@code wanted}
     */
    synchronized long tryTake(double wanted) {
        if (wanted <= 0 || wanted > capacity) {
            throw new IllegalArgumentException("a request takes 1 to " + capacity + " tokens, not " + wanted);
        }
        refill();
        if (tokens >= wanted) {
            tokens -= wanted;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((wanted - tokens) * refillPeriodNanos / refillTokens));
    }

    synchronized double available() {
        refill();
        return tokens;
    }

    double capacity() {
        return capacity;
    }

    private void refill() {
        long now = ticker.nanos();
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * refillTokens / refillPeriodNanos);
            lastRefill = now;
        }
    }
}
