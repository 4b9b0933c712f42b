package io.hubgate.server.support;

import com.azure.core.credential.TokenCredential;
import com.azure.core.util.Configuration;
import com.azure.core.util.ConfigurationBuilder;
import com.azure.core.util.ConfigurationSource;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.tls.EmulatorCertificate;
import io.hubgate.server.credential.HubTrust;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Emulators whose local Entra the credential tests get tokens from, and what those tests need
 * around them: one certificate that every such emulator serves (the SDK trusts it through the
 * JVM-wide HTTPS socket factory, which {@link HubTrust} installs), azure-core
 * {@link Configuration}s that never read the real environment, and a check that the official SDK
 * accepts a credential.
 */
public final class CredentialFixtures {

    /** The certificate every emulator started through this class serves. */
    public static final EmulatorCertificate CERTIFICATE =
            EmulatorCertificate.selfSigned(Set.of("hubgate-emulator.azure-devices.net"));

    /** The trust the gateway would build from {@code --hub-ca-cert} for {@link #CERTIFICATE}. */
    public static final HubTrust TRUST = HubTrust.with(List.of(CERTIFICATE.certificate()));

    private static final ConfigurationSource EMPTY = prefix -> Collections.emptyMap();

    private CredentialFixtures() {
    }

    /** A builder for an emulator that this JVM's SDK clients and azure-identity clients trust. */
    public static IotHubEmulator.Builder emulator() {
        TRUST.installForHttpsUrlConnection();
        return IotHubEmulator.builder().port(0).certificate(CERTIFICATE);
    }

    /** Azure's variables as azure-identity reads them, from this map only (never the process environment). */
    public static Configuration configuration(Map<String, String> variables) {
        ConfigurationBuilder builder = new ConfigurationBuilder(EMPTY, EMPTY, EMPTY);
        variables.forEach(builder::putProperty);
        return builder.build();
    }

    /** Creates a device through the official SDK with the credential and reads it back; returns its id. */
    public static String createDeviceWith(EmulatorCoordinates hub, TokenCredential credential) throws Exception {
        String deviceId = uniqueId("cred");
        RegistryClient registry = new RegistryClient(hub.hostWithPort(), credential);
        registry.addDevice(new Device(deviceId));
        return registry.getDevice(deviceId).getDeviceId();
    }

    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
