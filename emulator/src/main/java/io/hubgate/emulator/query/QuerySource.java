package io.hubgate.emulator.query;

/**
 * The collection a query reads: {@code FROM devices}, {@code FROM devices.modules} or
 * {@code FROM devices.jobs} (the per-device entries of scheduled jobs).
 */
public enum QuerySource {
    DEVICES,
    MODULES,
    JOBS
}
