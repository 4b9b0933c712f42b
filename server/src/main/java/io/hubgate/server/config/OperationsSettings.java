package io.hubgate.server.config;

import java.net.URI;
import java.util.Locale;

/**
 * What the gateway offers its operator beside the API, resolved from flags and environment in
 * {@link GatewayOptions#operations()}. Kept apart from {@link GatewayConfig}: none of it changes
 * how a call is served.
 *
 * @param healthPort   plaintext port that serves only gRPC health, for probes that cannot speak
 *                     TLS (the kubelet's); null: off
 * @param metricsPort  HTTP port serving Prometheus text metrics; null: off
 * @param otlpEndpoint OTLP/HTTP collector base URL (spans go to {@code <endpoint>/v1/traces});
 *                     null: no tracing
 */
public record OperationsSettings(Integer healthPort, Integer metricsPort, URI otlpEndpoint) {

    public OperationsSettings {
        requirePort("--health-port", healthPort);
        requirePort("--metrics-port", metricsPort);
        if (otlpEndpoint != null) {
            String scheme = otlpEndpoint.getScheme() == null ? "" : otlpEndpoint.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || otlpEndpoint.getHost() == null) {
                throw new IllegalArgumentException("--otlp-endpoint must be an http(s) URL such as http://otel-collector:4318, not '"
                        + otlpEndpoint + "'");
            }
        }
    }

    /** Nothing beside the API. */
    public static OperationsSettings none() {
        return new OperationsSettings(null, null, null);
    }

    private static void requirePort(String flag, Integer port) {
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException(flag + " must be 0 to 65535, not " + port);
        }
    }
}
