package io.hubgate.emulator.http;

/**
 * Families of operations that the service meters and throttles together, and that faults are
 * injected into together. {@link #JOBS} are the scheduled-job requests (create, get, cancel,
 * list); {@link #JOB_DEVICES} are what a running job does to each device (a twin update, a
 * method call), which no request carries. {@link #TOKEN} is the local Entra issuer's token
 * endpoint; {@link #CONTROL} is the emulator's own control surface, never metered or faulted.
 */
public enum OperationClass {
    REGISTRY, TWIN_READ, TWIN_WRITE, QUERY, METHODS, JOBS, JOB_DEVICES, TOKEN, CONTROL
}
