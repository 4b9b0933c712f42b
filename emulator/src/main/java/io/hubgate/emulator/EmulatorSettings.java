package io.hubgate.emulator;

import io.hubgate.emulator.entra.EntraDirectory;
import io.hubgate.emulator.faults.HubTier;
import io.hubgate.emulator.tls.EmulatorCertificate;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * An emulator's configuration, frozen when {@link IotHubEmulator.Builder#build()} is called so
 * that changing the builder afterwards changes nothing. Validated by the builder.
 *
 * @param dataDirectory     null: state in memory only
 * @param certificateOutput null: the data directory, or a temporary directory
 * @param certificate       null: generated (or reused from the data directory)
 * @param entraConfig       null: the default directory (unless {@code entraDirectory} is set)
 * @param entraDirectory    wins over {@code entraConfig}
 * @param tier              null: no quota
 */
record EmulatorSettings(String hubName, String bindAddress, int port, Path dataDirectory, Path certificateOutput,
                        EmulatorCertificate certificate, Clock clock, int workerThreads, Path entraConfig,
                        EntraDirectory entraDirectory, Duration tokenLifetime, HubTier tier, int units) {

    String hubHostName() {
        return hubName + ".azure-devices.net";
    }
}
