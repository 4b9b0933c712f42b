package io.hubgate.emulator;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --data-dir}: acknowledged writes, keys and etags survive a restart, clean or not. */
class PersistenceTest {

    @TempDir
    Path dataDir;

    private static RegistryClient registry(EmulatorCoordinates at, String token) {
        return new RegistryClient(at.hostWithPort(), new AzureSasCredential(token));
    }

    @Test
    void cleanRestart_keepsDevicesModulesTwinsEtagsAndPolicyKeys() throws Exception {
        String token;
        Device device;
        Twin twin;
        try (IotHubEmulator first = TestHub.privateEmulator().dataDirectory(dataDir).build().start()) {
            EmulatorCoordinates at = first.coordinates();
            token = at.sasToken("iothubowner", Duration.ofHours(1));
            device = registry(at, token).addDevice(new Device("kept"));
            registry(at, token).addModule(new Module("kept", "m"));
            registry(at, token).addDevice(new Device("deleted"));
            registry(at, token).removeDevice("deleted");
            Twin patch = new Twin("kept");
            patch.getTags().put("site", "ams");
            patch.getDesiredProperties().put("interval", 30);
            twin = new TwinClient(at.hostWithPort(), new AzureSasCredential(token)).patch(patch);
        }

        try (IotHubEmulator second = TestHub.privateEmulator().dataDirectory(dataDir).build().start()) {
            EmulatorCoordinates at = second.coordinates();
            // The token signed before the restart still verifies: the policy keys were kept.
            RegistryClient registry = registry(at, token);
            Device restored = registry.getDevice("kept");
            Twin restoredTwin = new TwinClient(at.hostWithPort(), new AzureSasCredential(token)).get("kept");

            assertThat(restored.getETag()).isEqualTo(device.getETag());
            assertThat(restored.getPrimaryKey()).isEqualTo(device.getPrimaryKey());
            assertThat(registry.getModulesOnDevice("kept")).hasSize(1);
            assertThatThrownBy(() -> registry.getDevice("deleted")).isInstanceOf(IotHubNotFoundException.class);
            assertThat(restoredTwin.getETag()).isEqualTo(twin.getETag());
            assertThat(restoredTwin.getVersion()).isEqualTo(twin.getVersion());
            assertThat(restoredTwin.getTags()).containsEntry("site", "ams");
            // Etags never repeat after a restart: a new write gets a new one.
            Device changed = registry.updateDevice(restored);
            assertThat(changed.getETag()).isNotEqualTo(device.getETag());
        }
    }

    @Test
    void processThatNeverStoppedCleanly_stillHasEveryAcknowledgedWrite() throws Exception {
        Path crashCopy = dataDir.resolve("copy");
        IotHubEmulator crashed = TestHub.privateEmulator().dataDirectory(dataDir.resolve("live")).build().start();
        try {
            EmulatorCoordinates at = crashed.coordinates();
            String token = at.sasToken("iothubowner", Duration.ofHours(1));
            for (int i = 0; i < 20; i++) {
                registry(at, token).addDevice(new Device("journaled-" + i));
            }
            // Copy the directory while the process still runs: what a crash would leave behind.
            copyDirectory(dataDir.resolve("live"), crashCopy);
        } finally {
            crashed.close();
        }
        // A torn last line, as a crash in the middle of an append leaves it.
        Files.writeString(crashCopy.resolve("journal.jsonl"), "{\"d\":\"torn", StandardOpenOption.APPEND);

        try (IotHubEmulator restarted = TestHub.privateEmulator().dataDirectory(crashCopy).build().start()) {
            assertThat(restarted.store().size()).isEqualTo(20);
        }
    }

    @Test
    void dataDirectory_isReadableByTheOwnerOnly() throws Exception {
        Path dir = dataDir.resolve("private");
        try (IotHubEmulator hub = TestHub.privateEmulator().dataDirectory(dir).build().start()) {
            new io.hubgate.emulator.support.RawHub(hub.coordinates()).call("PUT", "/devices/secretive", "{}");

            assertThat(java.nio.file.Files.getPosixFilePermissions(dir))
                    .containsExactlyInAnyOrderElementsOf(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            for (String file : new String[]{"state.json", "journal.jsonl"}) {
                assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve(file))).as(file)
                        .containsExactlyInAnyOrderElementsOf(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
        }
    }

    @Test
    void secondEmulatorOnTheSameDirectory_isRefused() {
        try (IotHubEmulator first = TestHub.privateEmulator().dataDirectory(dataDir).build().start()) {
            assertThatThrownBy(() -> TestHub.privateEmulator().dataDirectory(dataDir).build().start())
                    .hasMessageContaining("in use by another emulator");
            assertThat(first.coordinates().port()).isPositive();
        }
    }

    @Test
    void unreadableJournalLineBeforeTheEnd_stopsTheStartInsteadOfDroppingWrites() throws Exception {
        try (IotHubEmulator hub = TestHub.privateEmulator().dataDirectory(dataDir).build().start()) {
            new io.hubgate.emulator.support.RawHub(hub.coordinates()).call("PUT", "/devices/before", "{}");
        }
        Files.writeString(dataDir.resolve("journal.jsonl"), "{\"d\":\"torn\n{\"d\":\"after\",\"s\":1,\"e\":null}\n");

        assertThatThrownBy(() -> TestHub.privateEmulator().dataDirectory(dataDir).build().start())
                .hasMessageContaining("unreadable line before its end");
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
