package io.hubgate.bench;

import java.util.Locale;

/**
 * CPU time spent while one side of a comparison ran, by whom: the gateway's JVM, the emulator's
 * threads, and the client that drove the load. Nanoseconds; {@link #NOT_MEASURED} (-1) where
 * nothing was read (no /proc, or a gateway inside the bench's JVM, whose threads cannot be told
 * apart from the load's).
 */
record CpuUse(long gatewayNanos, long emulatorNanos, long clientNanos) {

    static final long NOT_MEASURED = -1;
    static final CpuUse NONE = new CpuUse(NOT_MEASURED, NOT_MEASURED, NOT_MEASURED);

    /** The sum of two measurements of the same side (rounds); a part measured in neither stays unmeasured. */
    CpuUse plus(CpuUse other) {
        return new CpuUse(sum(gatewayNanos, other.gatewayNanos), sum(emulatorNanos, other.emulatorNanos),
                sum(clientNanos, other.clientNanos));
    }

    /** "312": microseconds per operation, or "-" when not measured. */
    static String perOp(long nanos, long operations) {
        return nanos < 0 || operations == 0 ? "-" : String.format(Locale.ROOT, "%.0f", nanos / 1e3 / operations);
    }

    /** Microseconds per operation, or NaN when not measured. */
    static double microsPerOp(long nanos, long operations) {
        return nanos < 0 || operations == 0 ? Double.NaN : nanos / 1e3 / operations;
    }

    private static long sum(long a, long b) {
        return a < 0 ? b : b < 0 ? a : a + b;
    }
}
