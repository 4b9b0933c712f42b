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
    void theBanner_givesThePythonAndNodeSetUpLinesThatWork() {
        EmulatorCoordinates hub = TestHub.coordinates();

        String banner = banner(hub);

        String authority = hub.entra().authorityHost();
        assertThat(banner)
                .contains("export REQUESTS_CA_BUNDLE=" + hub.certificatePath() + "\n")
                .contains("IoTHubRegistryManager.from_token_credential(\"" + hub.hostWithPort() + "\",")
                .contains("authority=\"" + authority + "\", disable_instance_discovery=True")
                .contains("export NODE_EXTRA_CA_CERTS=" + hub.certificatePath() + "\n")
                .contains("--port 443")
                .contains("{ authorityHost: \"" + authority + "\", disableInstanceDiscovery: true }")
                .contains("emulator/sdks/");
    }

    @Test
    void onPort443_theConnectionStringHasNoPort_andTheNodeLineUsesIt() {
        EmulatorCoordinates shared = TestHub.coordinates();
        EmulatorCoordinates on443 = new EmulatorCoordinates(shared.hubName(), shared.hubHostName(), shared.host(), 443,
                shared.certificatePath(), shared.certificate(), shared.policies(), shared.entra(), shared.clock());

        String banner = banner(on443);

        // The Java and Node SDKs refuse (or cannot use) a port in HostName; 443 is https's own.
        assertThat(on443.connectionString("iothubowner")).startsWith("HostName=127.0.0.1;SharedAccessKeyName=iothubowner;");
        assertThat(banner).contains("Registry.fromConnectionString(\"" + on443.connectionString("iothubowner") + "\")")
                .doesNotContain("--port 443");
    }

    private static String banner(EmulatorCoordinates hub) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EmulatorMain.printBanner(hub, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tokenLifetimes_areReadInMinutesSecondsHoursOrIso() {
        EmulatorMain.DurationConverter converter = new EmulatorMain.DurationConverter();

        assertThat(converter.convert("75m")).hasMinutes(75);
        assertThat(converter.convert("90s")).hasSeconds(90);
        assertThat(converter.convert("PT2H")).hasHours(2);
    }
}
