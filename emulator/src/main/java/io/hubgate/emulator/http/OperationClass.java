package io.hubgate.emulator.http;

/**
 * Families of operations that the service meters and throttles together, and that faults are
 * injected into together. {@link #TOKEN} is the local Entra issuer's token endpoint;
 * {@link #CONTROL} is the emulator's own control surface, which is never metered or faulted.
 */
public enum OperationClass {
    REGISTRY, TWIN_READ, TWIN_WRITE, QUERY, METHODS, TOKEN, CONTROL
}
