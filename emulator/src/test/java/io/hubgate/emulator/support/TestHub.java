package io.hubgate.emulator.support;

import com.azure.core.credential.AzureSasCredential;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.tls.EmulatorCertificate;

import javax.net.ssl.HttpsURLConnection;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * One emulator for the whole test run, started on first use on an ephemeral port. Tests keep out
 * of each other's way by using {@link #uniqueId} for every device they create.
 *
 * <p>The official SDK opens connections with the JVM's default HTTPS socket factory, so this
 * makes that factory trust the emulator's certificate once. Every emulator a test starts must
 * serve {@link #CERTIFICATE} for the same reason.
 */
public final class TestHub {

    /** The certificate every emulator in the test JVM serves. */
    public static final EmulatorCertificate CERTIFICATE = EmulatorCertificate.selfSigned(Set.of("hubgate-emulator.azure-devices.net"));

    private static IotHubEmulator shared;

    static {
        HttpsURLConnection.setDefaultSSLSocketFactory(CERTIFICATE.trustingClientContext().getSocketFactory());
    }

    private TestHub() {
    }

    /** The shared emulator's coordinates. */
    public static synchronized EmulatorCoordinates coordinates() {
        if (shared == null) {
            shared = IotHubEmulator.builder().certificate(CERTIFICATE).build().start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared.coordinates();
    }

    /** The shared emulator itself. */
    public static synchronized IotHubEmulator emulator() {
        coordinates();
        return shared;
    }

    /** A builder for a private emulator that clients in this JVM will trust. */
    public static IotHubEmulator.Builder privateEmulator() {
        return IotHubEmulator.builder().certificate(CERTIFICATE);
    }

    /** A SAS credential for a policy of the shared hub, valid for an hour. */
    public static AzureSasCredential sas(String policy) {
        return new AzureSasCredential(coordinates().sasToken(policy, Duration.ofHours(1)));
    }

    /** An id no other test uses: a readable prefix plus a random suffix. */
    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
