package io.hubgate.server.observability;

import io.grpc.BindableService;
import io.hubgate.server.config.OperationsSettings;

/**
 * What the gateway serves its operator beside the API, started after the API server and closed
 * after it has drained: the plaintext health port for probes. One object, so that the gateway's
 * wiring gains one field and two calls rather than one per endpoint.
 */
public final class OperatorEndpoints implements AutoCloseable {

    private final HealthPort healthPort;

    private OperatorEndpoints(HealthPort healthPort) {
        this.healthPort = healthPort;
    }

    /** No endpoints: a gateway started without {@link OperationsSettings}. */
    public static OperatorEndpoints none() {
        return new OperatorEndpoints(null);
    }

    /** Starts what {@code settings} asks for on {@code bindAddress}, serving the API server's {@code health}. */
    public static OperatorEndpoints start(OperationsSettings settings, String bindAddress, BindableService health)
            throws java.io.IOException {
        HealthPort healthPort = settings.healthPort() == null ? null : HealthPort.start(bindAddress, settings.healthPort(), health);
        return new OperatorEndpoints(healthPort);
    }

    /** The health port, or -1 when it is off. */
    public int healthPort() {
        return healthPort == null ? -1 : healthPort.port();
    }

    @Override
    public void close() throws InterruptedException {
        if (healthPort != null) {
            healthPort.close();
        }
    }
}
