package io.hubgate.emulator.faults;

/**
 * A monotonic source of nanoseconds for rate arithmetic. Quotas use it instead of the
 * emulator's wall {@link java.time.Clock}, which tests may freeze and which may jump; unit tests
 * inject a ticker they advance by hand, so refill is checked without sleeping.
 */
@FunctionalInterface
public interface Ticker {

    long nanos();

    /** {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;
}
