package io.hubgate.emulator.http;

/** Families of operations that the service meters and throttles together. */
public enum OperationClass {
    REGISTRY, TWIN_READ, TWIN_WRITE, QUERY, METHODS
}
