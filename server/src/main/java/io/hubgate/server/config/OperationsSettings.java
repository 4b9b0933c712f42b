package io.hubgate.server.config;

/**
 * What the gateway offers its operator beside the API, resolved from flags and environment in
 * {@link GatewayOptions#operations()}. Kept apart from {@link GatewayConfig}: none of it changes
 * how a call is served.
 *
 * @param healthPort plaintext port that serves only gRPC health, for probes that cannot speak
 *                   TLS (the kubelet's); null: off
 */
public record OperationsSettings(Integer healthPort) {

    public OperationsSettings {
        if (healthPort != null && (healthPort < 0 || healthPort > 65535)) {
            throw new IllegalArgumentException("--health-port must be 0 to 65535, not " + healthPort);
        }
    }

    /** Nothing beside the API. */
    public static OperationsSettings none() {
        return new OperationsSettings(null);
    }
}
