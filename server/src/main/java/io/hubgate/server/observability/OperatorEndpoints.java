package io.hubgate.server.observability;

import io.grpc.BindableService;
import io.grpc.ServerBuilder;
import io.hubgate.server.config.OperationsSettings;

import java.io.IOException;

/**
 * What the gateway serves its operator beside the API: metrics and traces ({@link Telemetry}) and
 * the plaintext health port for probes ({@link HealthPort}). Opened before the API server is built
 * (its instruments go on that server), given the server's health service once it runs, and closed
 * after the server has drained, so that the last calls are still measured and exported. One object,
 * so that the gateway's wiring gains one field and a few calls rather than some per endpoint.
 */
public final class OperatorEndpoints implements AutoCloseable {

    private final OperationsSettings settings;
    private final String bindAddress;
    private final Telemetry telemetry;
    private volatile HealthPort healthPort;

    private OperatorEndpoints(OperationsSettings settings, String bindAddress, Telemetry telemetry) {
        this.settings = settings;
        this.bindAddress = bindAddress;
        this.telemetry = telemetry;
    }

    /** No endpoints: a gateway started without {@link OperationsSettings}. */
    public static OperatorEndpoints none() {
        return new OperatorEndpoints(OperationsSettings.none(), null, Telemetry.off());
    }

    /** Starts metrics and tracing as {@code settings} asks, on {@code bindAddress}. */
    public static OperatorEndpoints open(OperationsSettings settings, String bindAddress) {
        return new OperatorEndpoints(settings, bindAddress, Telemetry.start(settings, bindAddress));
    }

    /** Puts the gRPC server instruments and spans on the API server about to be built. */
    public void configure(ServerBuilder<?> server) {
        telemetry.configure(server);
    }

    /** Starts the health port, if asked for, answering with the API server's {@code health} service. */
    public void serveHealth(BindableService health) throws IOException {
        if (settings.healthPort() != null) {
            healthPort = HealthPort.start(bindAddress, settings.healthPort(), health);
        }
    }

    public Telemetry telemetry() {
        return telemetry;
    }

    /** The health port, or -1 when it is off. */
    public int healthPort() {
        HealthPort port = healthPort;
        return port == null ? -1 : port.port();
    }

    @Override
    public void close() throws InterruptedException {
        HealthPort port = healthPort;
        if (port != null) {
            port.close();
        }
        telemetry.close();
    }
}
