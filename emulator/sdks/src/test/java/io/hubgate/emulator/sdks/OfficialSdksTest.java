package io.hubgate.emulator.sdks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.auth.BuiltInRole;
import io.hubgate.emulator.entra.ClientCertificate;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.emulator.store.DeviceEntry;
import io.hubgate.emulator.support.TestClientCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The official Python and Node service SDKs, unmodified, against a live emulator: each SDK's
 * walkthrough script drives every operation the SDK offers that the emulator serves with a
 * connection string, then one operation of every family with each credential the SDK takes
 * (client secret, certificate, DefaultAzureCredential, managed identity, workload identity)
 * against the emulator's Entra as a custom authority, and checks each result and each error's type
 * and code itself. This test gives it the emulator's coordinates, checks that every step and every
 * credential reported in, and that the hub was left as the script says it left it.
 */
class OfficialSdksTest {

    private static final String CERTIFICATE_APP = "certificate-app";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static IotHubEmulator hub;
    private static TestClientCertificate certificate;
    private static Path certificateFile;

    @BeforeAll
    static void startEmulator() throws IOException {
        certificate = TestClientCertificate.generate(CERTIFICATE_APP);
        certificateFile = certificate.writeKeyAndCertificate(dir.resolve("certificate-app.pem"));
        hub = emulatorOn(0);
    }

    @AfterAll
    static void stopEmulator() {
        hub.close();
    }

    /** The default directory plus an application that proves itself with a certificate. */
    private static IotHubEmulator emulatorOn(int port) {
        return IotHubEmulator.builder().port(port).entraDirectory(DefaultDirectory.builder()
                        .application(DefaultDirectory.application(CERTIFICATE_APP)
                                .withCertificate(ClientCertificate.of(certificate.certificate())))
                        .assignHubRole(CERTIFICATE_APP, BuiltInRole.DATA_CONTRIBUTOR)
                        .build())
                .build().start();
    }

    static List<Walkthrough> walkthroughs() {
        return Walkthrough.selected();
    }

    @ParameterizedTest
    @MethodSource("walkthroughs")
    void theWalkthrough_drivesEveryOperationWithEveryCredential_againstAnEmulatorOnAnyPort(Walkthrough sdk) throws Exception {
        String prefix = sdk.language() + "-" + UUID.randomUUID().toString().substring(0, 8);

        Walkthrough.Output output = sdk.run(environment(hub.coordinates(), hub.coordinates().connectionString("iothubowner"), prefix));

        assertCompleteRun(sdk, output, prefix, hub);
    }

    /**
     * On port 443 the SDKs need no help: Node takes {@code HostName=127.0.0.1} as it is, and Python
     * signs {@code sr=127.0.0.1:443} for {@code HostName=127.0.0.1:443}, which must name the same host.
     * Binding 443 needs a privilege (root, or CAP_NET_BIND_SERVICE) and a free port; without them the
     * test is skipped, and says so.
     */
    @ParameterizedTest
    @MethodSource("walkthroughs")
    void onPort443_aConnectionStringWithTheDefaultPortOrNone_works(Walkthrough sdk) throws Exception {
        IotHubEmulator on443;
        try {
            on443 = emulatorOn(443);
        } catch (UncheckedIOException e) {
            assumeTrue(!(e.getCause() instanceof BindException), "cannot listen on 127.0.0.1:443 here: " + e.getMessage());
            throw e;
        }
        try (on443) {
            EmulatorCoordinates at = on443.coordinates();
            assertThat(at.connectionString("iothubowner")).as("no port in a connection string for 443")
                    .startsWith("HostName=127.0.0.1;");
            String prefix = sdk.language() + "-443-" + UUID.randomUUID().toString().substring(0, 8);
            String withDefaultPort = at.connectionString("iothubowner").replace("HostName=127.0.0.1;", "HostName=127.0.0.1:443;");

            Walkthrough.Output output = sdk.run(environment(at, withDefaultPort, prefix));

            assertCompleteRun(sdk, output, prefix, on443);
        }
    }

    /** What a script is told: the emulator's coordinates, and how to trust its certificate. */
    private static Map<String, String> environment(EmulatorCoordinates at, String connectionString, String prefix)
            throws IOException {
        EntraCoordinates entra = at.entra();
        EntraCoordinates.ClientCredentials gateway = entra.application(DefaultDirectory.GATEWAY);
        EntraCoordinates.ClientCredentials reader = entra.application(DefaultDirectory.READER);
        Path federatedToken = Files.writeString(dir.resolve(prefix + "-federated-token"),
                entra.federatedToken(DefaultDirectory.GATEWAY_WORKLOAD_SUBJECT));
        Map<String, String> environment = new HashMap<>();
        environment.put("EMULATOR_CONNECTION_STRING", connectionString);
        environment.put("REGISTRY_READ_CONNECTION_STRING", at.connectionString("registryRead"));
        environment.put("AZURE_AUTHORITY_HOST", entra.authorityHost());
        environment.put("AZURE_TENANT_ID", entra.tenantId());
        environment.put("AZURE_CLIENT_ID", gateway.clientId());
        environment.put("AZURE_CLIENT_SECRET", gateway.secret());
        environment.put("AZURE_FEDERATED_TOKEN_FILE", federatedToken.toString());
        environment.put("IDENTITY_ENDPOINT", entra.managedIdentityEndpoint());
        environment.put("IDENTITY_HEADER", entra.identityHeader());
        environment.put("CERTIFICATE_CLIENT_ID", entra.application(CERTIFICATE_APP).clientId());
        environment.put("CERTIFICATE_PATH", certificateFile.toString());
        environment.put("READER_CLIENT_ID", reader.clientId());
        environment.put("READER_CLIENT_SECRET", reader.secret());
        environment.put("DEVICE_PREFIX", prefix);
        environment.put("REQUESTS_CA_BUNDLE", at.certificatePath().toString());
        environment.put("NODE_EXTRA_CA_CERTS", at.certificatePath().toString());
        // A proxy from the build machine's environment must not take loopback calls.
        environment.put("NO_PROXY", "127.0.0.1,localhost");
        environment.put("no_proxy", "127.0.0.1,localhost");
        return environment;
    }

    private static void assertCompleteRun(Walkthrough sdk, Walkthrough.Output output, String prefix, IotHubEmulator on) throws IOException {
        assertThat(output.exitCode()).as(output.describe()).isZero();
        List<JsonNode> lines = lines(output);
        List<String> steps = lines.stream().map(line -> line.path("step").asText()).toList();

        List<String> expected = new ArrayList<>(sdk.tourSteps());
        sdk.tokenCredentials().forEach(credential -> expected.add("every_family"));
        expected.addAll(List.of("wrong_client_secret", "policy_missing_right", "role_missing", "done"));
        assertThat(steps).as(output.describe()).containsExactlyElementsOf(expected);
        assertThat(lines).filteredOn(line -> line.path("step").asText().equals("every_family"))
                .extracting(line -> line.path("credential").asText())
                .as("every credential ran every family").containsExactlyElementsOf(sdk.tokenCredentials());
        assertThat(lines).filteredOn(line -> line.path("step").asText().equals("every_family"))
                .allSatisfy(line -> assertThat(line.path("families")).hasSize(8));
        assertThat(step(lines, "method_job").path("failed").asInt()).as("the device that is not connected fails its entry")
                .isEqualTo(1);
        assertThat(step(lines, "job_errors").path("errors")).extracting(JsonNode::asText)
                .anySatisfy(error -> assertThat(error).contains("409"))
                .anySatisfy(error -> assertThat(error).contains("404"))
                .anySatisfy(error -> assertThat(error).contains("400"));
        assertThat(step(lines, "method_errors").path("errors")).extracting(JsonNode::asText)
                .allSatisfy(error -> assertThat(error).matches(".*(404103|404001|504101)"));
        assertThat(step(lines, "query").path("pages").asInt()).as("query pages").isGreaterThan(1);

        List<String> left = on.store().after(null).stream().map(DeviceEntry::deviceId).filter(id -> id.startsWith(prefix)).toList();
        assertThat(left).as("the script deleted every device it made").isEmpty();
        for (String secret : List.of(on.coordinates().entra().application(DefaultDirectory.GATEWAY).secret(),
                on.coordinates().entra().application(DefaultDirectory.READER).secret())) {
            assertThat(output.stdout() + output.stderr()).as("no client secret in the output").doesNotContain(secret);
        }
    }

    private static JsonNode step(List<JsonNode> lines, String name) {
        return lines.stream().filter(line -> line.path("step").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + name));
    }

    /** Every stdout line is one JSON object. */
    private static List<JsonNode> lines(Walkthrough.Output output) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.stdout().strip().split("\n")) {
            try {
                lines.add(JSON.readTree(line));
            } catch (IOException notJson) {
                return fail("stdout line is not JSON: " + line + "\n" + output.describe());
            }
        }
        return lines;
    }
}
