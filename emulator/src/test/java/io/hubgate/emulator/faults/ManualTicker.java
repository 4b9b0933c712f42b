package io.hubgate.emulator.faults;

import java.time.Duration;

/** A ticker that only moves when a test advances it. */
final class ManualTicker implements Ticker {

    private long nanos = 1_000_000_000L;

    @Override
    public synchronized long nanos() {
        return nanos;
    }

    synchronized void advance(Duration by) {
        nanos += by.toNanos();
    }
}
