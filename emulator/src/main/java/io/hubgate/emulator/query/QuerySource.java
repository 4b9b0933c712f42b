package io.hubgate.emulator.query;

/** The collection a query reads: {@code FROM devices} or {@code FROM devices.modules}. */
public enum QuerySource {
    DEVICES,
    MODULES
}
