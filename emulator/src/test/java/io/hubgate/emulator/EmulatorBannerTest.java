package io.hubgate.emulator;

import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The startup banner gives everything DefaultAzureCredential and ManagedIdentityCredential need. */
class EmulatorBannerTest {

    @Test
    void theBanner_printsTheAuthorityTenantAndReadyToPasteEnvironmentVariables() {
        EmulatorCoordinates hub = TestHub.coordinates();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        EmulatorMain.printBanner(hub, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String banner = bytes.toString(StandardCharsets.UTF_8);
        assertThat(banner)
                .contains("export AZURE_AUTHORITY_HOST=" + hub.entra().authorityHost() + "\n")
                .contains("export AZURE_TENANT_ID=" + hub.entra().tenantId() + "\n")
                .contains("export AZURE_CLIENT_ID=" + hub.entra().application(DefaultDirectory.GATEWAY).clientId() + "\n")
                .contains("export AZURE_CLIENT_SECRET=" + hub.entra().application(DefaultDirectory.GATEWAY).secret() + "\n")
                .contains("export IDENTITY_ENDPOINT=" + hub.entra().managedIdentityEndpoint() + "\n")
                .contains("export IDENTITY_HEADER=" + hub.entra().identityHeader() + "\n");
    }

    @Test
    void tokenLifetimes_areReadInMinutesSecondsHoursOrIso() {
        EmulatorMain.DurationConverter converter = new EmulatorMain.DurationConverter();

        assertThat(converter.convert("75m")).hasMinutes(75);
        assertThat(converter.convert("90s")).hasSeconds(90);
        assertThat(converter.convert("PT2H")).hasHours(2);
    }
}
