package io.hubgate.server.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The IoT Hub the gateway talks to.
 *
 * @param hostName      e.g. {@code myhub.azure-devices.net}, or {@code 127.0.0.1:8443} for a local hub
 * @param caCertificate a PEM certificate to trust for the hub and its token issuer (a local
 *                      emulator); null trusts the JVM's default CAs, as for Azure
 */
public record HubTarget(String hostName, Path caCertificate) {

    public HubTarget {
        Objects.requireNonNull(hostName, "hostName");
    }
}
