package io.hubgate.server.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.DeleteDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.IdentityView;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.server.config.GatewayOptions;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code --dev-env-file}: what another process needs to call a gateway on its embedded emulator,
 * in an owner-only file, and enough on its own: the written client credentials get a real token
 * at the written endpoint, and that token runs the samples' scenario on the written target.
 */
class DevelopmentEnvironmentTest {

    @TempDir
    static Path dir;
    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static Path file;
    private static Map<String, String> written;

    @BeforeAll
    static void writeTheFile() throws Exception {
        file = dir.resolve("sub").resolve("hubgate.env");
        DevelopmentEnvironment.write(file, gateway.gateway().embeddedHub().developmentEnvironment(gateway.gateway().config(), gateway.port()));
        written = DevelopmentEnvironment.read(file);
    }

    @Test
    void theFile_isReadableByItsOwnerOnly_andNamesTheSamplesVariables() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(written).containsOnlyKeys("HUBGATE_TARGET", "HUBGATE_PLAINTEXT", "HUBGATE_TOKEN_URL",
                "HUBGATE_TOKEN_SCOPE", "HUBGATE_TOKEN_CA_CERT", "HUBGATE_CLIENT_ID", "HUBGATE_CLIENT_SECRET");
        assertThat(written).containsEntry("HUBGATE_TARGET", "127.0.0.1:" + gateway.port())
                .containsEntry("HUBGATE_PLAINTEXT", "true")
                .containsEntry("HUBGATE_TOKEN_SCOPE", "api://hubgate/.default")
                .containsEntry("HUBGATE_TOKEN_URL", gateway.hub().coordinates().entra().tokenEndpoint());
        assertThat(Path.of(written.get("HUBGATE_TOKEN_CA_CERT"))).isRegularFile();
        assertThat(Files.list(file.getParent())).as("no temporary file is left beside it").containsExactly(file);
    }

    @Test
    void theFilesHeader_saysHowToSourceIt_byItsFullPath() throws Exception {
        assertThat(Files.readAllLines(file).get(0)).contains("set -a; . '" + file.toAbsolutePath() + "'; set +a");
    }

    @Test
    void theFile_isShellSyntax_thatASourcingShellReadsBackExactly() throws Exception {
        Process shell = new ProcessBuilder("bash", "-c", "set -a; . \"$1\"; set +a; env | grep '^HUBGATE_' | sort", "sh",
                file.toString()).redirectErrorStream(true).start();
        String output = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(shell.waitFor()).as(output).isZero();
        String expected = written.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted()
                .collect(Collectors.joining("\n", "", "\n"));
        assertThat(output).isEqualTo(expected);
    }

    @Test
    void theWrittenCredentials_getAToken_thatRunsTheSampleScenario() throws Exception {
        String token = clientCredentialsToken();
        RegistryServiceGrpc.RegistryServiceBlockingStub registry =
                RegistryServiceGrpc.newBlockingStub(gateway.channelWith(TestGateway.bearer(token)));
        TwinServiceGrpc.TwinServiceBlockingStub twins = TwinServiceGrpc.newBlockingStub(gateway.channelWith(TestGateway.bearer(token)));
        String id = TestGateway.uniqueId("dev-env");

        Device created = registry.createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id)).build());
        twins.updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id)
                .setDesired(com.google.protobuf.Struct.newBuilder().putFields("interval",
                        com.google.protobuf.Value.newBuilder().setNumberValue(30).build())).build());
        registry.deleteDevice(DeleteDeviceRequest.newBuilder().setDeviceId(id).build());

        assertThat(created.getDeviceId()).isEqualTo(id);
        assertThatThrownBy(() -> registry.getDevice(GetDeviceRequest.newBuilder().setDeviceId(id)
                .setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build()))
                .as("service-app does not hold Keys.Read").isInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("PERMISSION_DENIED");
    }

    @Test
    void theOption_isForTheEmbeddedEmulatorOnly() {
        GatewayOptions options = new GatewayOptions();
        new CommandLine(options).parseArgs("--dev-env-file", "x.env", "--hub-host", "myhub.azure-devices.net",
                "--jwt-issuer", "https://issuer", "--jwt-audience", "api://hubgate");
        assertThatThrownBy(() -> options.developmentEnvFile(options.toConfig()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--dev-env-file");

        GatewayOptions withConnectionString = new GatewayOptions();
        new CommandLine(withConnectionString).parseArgs("--dev-env-file", "x.env", "--insecure-no-auth",
                "--hub-connection-string", "HostName=myhub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=a2V5");
        assertThatThrownBy(() -> withConnectionString.developmentEnvFile(withConnectionString.toConfig()))
                .as("the message names the flag the user gave").hasMessageContaining("with --hub-connection-string,")
                .message().doesNotContain("--hub-host");

        GatewayOptions embedded = new GatewayOptions();
        new CommandLine(embedded).parseArgs("--dev-env-file", "x.env");
        assertThat(embedded.developmentEnvFile(embedded.toConfig())).isEqualTo(Path.of("x.env"));
    }

    /** OAuth 2.0 client credentials, as a sample client does it, trusting the written certificate. */
    private static String clientCredentialsToken() throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(gateway.hub().coordinates().trustingSslContext()).build();
        String form = Map.of("grant_type", "client_credentials", "client_id", written.get("HUBGATE_CLIENT_ID"),
                        "client_secret", written.get("HUBGATE_CLIENT_SECRET"), "scope", written.get("HUBGATE_TOKEN_SCOPE"))
                .entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(written.get("HUBGATE_TOKEN_URL")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(response.body());
        return body.get("access_token").asText();
    }
}
