package io.hubgate.emulator.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A UTC clock that stands still until a test sets or advances it: time-dependent behaviour
 * (token expiry, key rotation, scheduled jobs, quota refill) without sleeping. The one test clock
 * of the emulator's and the gateway's tests (the emulator's test-jar). Thread-safe.
 */
public final class MovableClock extends Clock {

    private Instant now;

    public MovableClock(Instant now) {
        this.now = now;
    }

    public synchronized void set(Instant instant) {
        now = instant;
    }

    public synchronized void advance(Duration by) {
        now = now.plus(by);
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    /** Nanoseconds since the epoch on this clock: a ticker for rates ({@code clock::nanos}) that moves with it. */
    public long nanos() {
        return ChronoUnit.NANOS.between(Instant.EPOCH, instant());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
