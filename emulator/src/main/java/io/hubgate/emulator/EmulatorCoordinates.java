package io.hubgate.emulator;

import io.hubgate.common.ConnectionString;
import io.hubgate.common.SasToken;
import io.hubgate.emulator.auth.SharedAccessPolicy;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.emulator.tls.EmulatorCertificate;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Where a running emulator is and how to talk to it: address, certificate to trust, policies to
 * sign with. {@link #toString()} shows no key.
 *
 * @param hubName         e.g. {@code hubgate-emulator}
 * @param hubHostName     the name a real hub would have, e.g. {@code hubgate-emulator.azure-devices.net}
 *                        (also accepted as a SAS token's resource)
 * @param host            the address clients connect to, e.g. {@code 127.0.0.1}
 * @param port            the bound port
 * @param certificatePath the server certificate as PEM, for clients to trust
 * @param entra           the local Entra ID: authority host, tenant, client credentials, managed identity, token minting
 * @param clock           the emulator's clock, so tokens minted here agree with the emulator on expiry
 */
public record EmulatorCoordinates(String hubName, String hubHostName, String host, int port, Path certificatePath,
                                  EmulatorCertificate certificate, List<SharedAccessPolicy> policies,
                                  EntraCoordinates entra, Clock clock) {

    /** https's own port: a host name alone means it. */
    public static final int DEFAULT_HTTPS_PORT = 443;

    /** Host and port as the SDKs' {@code (hostName, credential)} constructors take them: {@code 127.0.0.1:8443}. */
    public String hostWithPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    public String baseUrl() {
        return "https://" + hostWithPort();
    }

    public SharedAccessPolicy policy(String keyName) {
        return policies.stream().filter(p -> p.keyName().equals(keyName)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no shared access policy named " + keyName));
    }

    /**
     * A connection string for a policy. Its HostName carries the port unless it is 443, https's own:
     * the Python SDK takes {@code host:port} as it is; the Node SDK cannot address a port and the Java
     * SDK refuses one in a connection string, so on any other port use the Java SDK's
     * {@code (hostName, AzureSasCredential)} constructors with {@link #sasToken}, and for Node see
     * emulator/sdks/node/sdk_walkthrough.js.
     */
    public String connectionString(String keyName) {
        return new ConnectionString(connectionStringHost(), keyName, policy(keyName).keys().primaryKey()).text();
    }

    /** The host alone on port 443 (what the Node SDK needs), else {@link #hostWithPort()}. */
    public String connectionStringHost() {
        return httpsHost(host, port);
    }

    /**
     * How an https URL names a host and port: the host alone on 443, else {@code host:port} (an
     * IPv6 address in brackets). MSAL Node compares the authority it was given with the issuer as
     * the URL standard writes it, which drops ":443": the local Entra's authority must not carry it.
     */
    public static String httpsHost(String host, int port) {
        String literal = host.contains(":") ? "[" + host + "]" : host;
        return port == DEFAULT_HTTPS_PORT ? literal : literal + ":" + port;
    }

    /** A service SAS token for the hub, signed with the policy's primary key. */
    public String sasToken(String keyName, Duration lifetime) {
        return SasToken.create(hubHostName, keyName, policy(keyName).keys().primaryKey(), clock.instant().plus(lifetime));
    }

    /** A client TLS context that trusts the emulator's certificate. */
    public SSLContext trustingSslContext() {
        return certificate.trustingClientContext();
    }

    @Override
    public String toString() {
        return "EmulatorCoordinates[" + baseUrl() + ", hub " + hubHostName + ", certificate " + certificatePath + "]";
    }
}
