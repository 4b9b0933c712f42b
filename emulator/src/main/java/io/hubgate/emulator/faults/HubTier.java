package io.hubgate.emulator.faults;

import io.hubgate.emulator.http.OperationClass;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The standard IoT Hub tiers and their documented throttles per unit (IoT Hub quotas and
 * throttling, as of 2024): what {@link TierQuota} enforces, and the most scheduled jobs that may
 * be active at once. Only the operation classes the emulator serves are listed; configurations
 * are not served, and the token endpoint is not IoT Hub's, so neither is metered. Free is S1's
 * limits with one unit and is not offered.
 */
public enum HubTier {
    S1(200, 100, 20, 100, 0, 50, 0, 160, 100, 10, 0, 1),
    S2(200, 100, 20, 100, 10, 50, 5, 480, 100, 10, 1, 5),
    S3(10, 5_000, 1_000, 0, 500, 0, 250, 24 * 1024, 5_000, 0, 50, 10);

    /** A direct method's payload is metered in chunks of this many bytes. */
    public static final int METHOD_METER_BYTES = 4 * 1024;

    private final int maxUnits;
    private final int registryPerMinutePerUnit;
    private final int queriesPerMinutePerUnit;
    private final int twinReadsPerSecondFloor;
    private final int twinReadsPerSecondPerUnit;
    private final int twinUpdatesPerSecondFloor;
    private final int twinUpdatesPerSecondPerUnit;
    private final int methodKilobytesPerSecondPerUnit;
    private final int jobsPerMinutePerUnit;
    private final int jobDevicesPerSecondFloor;
    private final int jobDevicesPerSecondPerUnit;
    private final int maxConcurrentJobs;

    HubTier(int maxUnits, int registryPerMinutePerUnit, int queriesPerMinutePerUnit,
            int twinReadsPerSecondFloor, int twinReadsPerSecondPerUnit,
            int twinUpdatesPerSecondFloor, int twinUpdatesPerSecondPerUnit, int methodKilobytesPerSecondPerUnit,
            int jobsPerMinutePerUnit, int jobDevicesPerSecondFloor, int jobDevicesPerSecondPerUnit,
            int maxConcurrentJobs) {
        this.maxUnits = maxUnits;
        this.registryPerMinutePerUnit = registryPerMinutePerUnit;
        this.queriesPerMinutePerUnit = queriesPerMinutePerUnit;
        this.twinReadsPerSecondFloor = twinReadsPerSecondFloor;
        this.twinReadsPerSecondPerUnit = twinReadsPerSecondPerUnit;
        this.twinUpdatesPerSecondFloor = twinUpdatesPerSecondFloor;
        this.twinUpdatesPerSecondPerUnit = twinUpdatesPerSecondPerUnit;
        this.methodKilobytesPerSecondPerUnit = methodKilobytesPerSecondPerUnit;
        this.jobsPerMinutePerUnit = jobsPerMinutePerUnit;
        this.jobDevicesPerSecondFloor = jobDevicesPerSecondFloor;
        this.jobDevicesPerSecondPerUnit = jobDevicesPerSecondPerUnit;
        this.maxConcurrentJobs = maxConcurrentJobs;
    }

    /** Scheduled jobs that may be queued, scheduled or running at once (S1: 1, S2: 5, S3: 10), whatever the units. */
    public int maxConcurrentJobs() {
        return maxConcurrentJobs;
    }

    /**
     * One metered limit: {@code tokens} per {@code period}, which is also the most that can be
     * saved up, and how to say it in a refusal.
     */
    public record Limit(long tokens, Duration period, String description) {
    }

    /** The largest unit count Azure sells for this tier (S1/S2: 200, S3: 10). */
    public int maxUnits() {
        return maxUnits;
    }

    /** Parses {@code S1}, {@code s2} …; null when the text names no tier. */
    public static HubTier parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    /**
     * The limits of a hub of this tier with {@code units} units. A per-minute limit may be spent
     * in one burst (the bucket holds a minute's worth); a per-second limit holds a second's worth.
     */
    public Map<OperationClass, Limit> limits(int units) {
        if (units < 1 || units > maxUnits) {
            throw new IllegalArgumentException("tier " + this + " has 1 to " + maxUnits + " units, not " + units);
        }
        Map<OperationClass, Limit> limits = new EnumMap<>(OperationClass.class);
        limits.put(OperationClass.REGISTRY, perMinute(registryPerMinutePerUnit * units, "registry operations"));
        limits.put(OperationClass.QUERY, perMinute(queriesPerMinutePerUnit * units, "queries"));
        limits.put(OperationClass.TWIN_READ,
                perSecond(Math.max(twinReadsPerSecondFloor, twinReadsPerSecondPerUnit * units), "twin reads"));
        limits.put(OperationClass.TWIN_WRITE,
                perSecond(Math.max(twinUpdatesPerSecondFloor, twinUpdatesPerSecondPerUnit * units), "twin updates"));
        int kilobytes = methodKilobytesPerSecondPerUnit * units;
        limits.put(OperationClass.METHODS, new Limit(kilobytes * 1024L / METHOD_METER_BYTES, Duration.ofSeconds(1),
                kilobytes + " KB of direct-method payload per second (metered in 4 KB chunks)"));
        limits.put(OperationClass.JOBS, perMinute(jobsPerMinutePerUnit * units, "job operations"));
        limits.put(OperationClass.JOB_DEVICES, perSecond(
                Math.max(jobDevicesPerSecondFloor, jobDevicesPerSecondPerUnit * units), "job device operations"));
        return limits;
    }

    private static Limit perMinute(int perMinute, String what) {
        return new Limit(perMinute, Duration.ofMinutes(1), perMinute + " " + what + " per minute");
    }

    private static Limit perSecond(int perSecond, String what) {
        return new Limit(perSecond, Duration.ofSeconds(1), perSecond + " " + what + " per second");
    }
}
