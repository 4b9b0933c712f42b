package io.hubgate.sample.polyglot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.server.embedded.DevelopmentEnvironment;
import io.hubgate.server.Gateway;
import io.hubgate.server.config.GatewayConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The Go, Python and Node samples against a live gateway on its embedded emulator, with real
 * caller authentication: each gets its token from the emulator's Entra with the client
 * credentials {@code --dev-env-file} writes, runs the scenario of client-sample/README.md, and
 * prints one JSON line a step, which is checked here step by step, and against the hub afterwards.
 */
class PolyglotSamplesTest {

    private static final List<String> STEPS = List.of("token", "create_device", "get_twin", "update_twin",
            "read_back", "stale_etag", "query", "delete_device", "get_deleted");
    /** The Python sample also runs a fleet job over a tag, watches it finish and checks the twin. */
    private static final List<String> PYTHON_STEPS = List.of("token", "create_device", "get_twin", "update_twin",
            "read_back", "stale_etag", "query", "job_create", "job_watch", "job_check_twin", "delete_device", "get_deleted");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static Gateway gateway;
    private static Map<String, String> environment;
    private static ManagedChannel channel;

    @BeforeAll
    static void startGateway() throws Exception {
        gateway = Gateway.start(GatewayConfig.localDevelopment(0));
        Path file = dir.resolve("hubgate.env");
        DevelopmentEnvironment.write(file, gateway.embeddedHub().developmentEnvironment(gateway.config(), gateway.port()));
        environment = DevelopmentEnvironment.read(file);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
    }

    @AfterAll
    static void stopGateway() throws Exception {
        channel.shutdownNow();
        gateway.close();
    }

    @ParameterizedTest
    @MethodSource("io.hubgate.sample.polyglot.Sample#selected")
    void theSample_runsTheScenario_andReportsWhatTheGatewayAnswered(Sample sample) throws Exception {
        String deviceId = "sample-" + sample.language() + "-" + UUID.randomUUID().toString().substring(0, 8);

        Sample.Output output = sample.run(with("HUBGATE_SAMPLE_DEVICE_ID", deviceId));

        assertThat(output.exitCode()).as(output.describe()).isZero();
        Map<String, JsonNode> steps = steps(output, sample.language().equals("python") ? PYTHON_STEPS : STEPS);
        assertThat(steps.get("token").path("source").asText()).as("token source").isEqualTo("client_credentials");

        JsonNode created = steps.get("create_device");
        assertThat(created.path("device_id").asText()).isEqualTo(deviceId);
        assertThat(created.path("etag").asText()).isNotBlank();
        assertThat(created.path("status").asText()).isEqualTo("DEVICE_STATUS_ENABLED");

        JsonNode before = steps.get("get_twin");
        JsonNode updated = steps.get("update_twin");
        JsonNode readBack = steps.get("read_back");
        assertThat(before.path("device_id").asText()).isEqualTo(deviceId);
        assertThat(before.path("etag").asText()).isNotBlank();
        assertThat(updated.path("etag").asText()).as("a patch gives the twin a new etag")
                .isNotBlank().isNotEqualTo(before.path("etag").asText());
        assertThat(updated.path("desired_version").asLong()).isGreaterThan(before.path("desired_version").asLong());
        assertDesired(updated, sample);
        assertThat(readBack.path("etag").asText()).as("read back: the patch's etag").isEqualTo(updated.path("etag").asText());
        assertThat(readBack.path("desired_version").asLong()).isEqualTo(updated.path("desired_version").asLong());
        assertDesired(readBack, sample);

        assertError(steps.get("stale_etag"), "ABORTED", "PreconditionFailed");

        JsonNode query = steps.get("query");
        assertThat(query.path("query").asText()).contains(deviceId);
        assertThat(query.path("device_ids")).as("the query finds the device").hasSize(1);
        assertThat(query.path("device_ids").get(0).asText()).isEqualTo(deviceId);

        if (steps.containsKey("job_create")) {
            assertFleetJob(steps, deviceId);
        }
        assertThat(steps.get("delete_device").path("device_id").asText()).isEqualTo(deviceId);
        assertError(steps.get("get_deleted"), "NOT_FOUND", "DeviceNotFound");
        assertDeviceIsGone(deviceId);
        assertNoSecretIn(output);
    }

    @ParameterizedTest
    @MethodSource("io.hubgate.sample.polyglot.Sample#selected")
    void aRefusedTokenRequest_endsTheSampleWithTheIssuersError_andNoSecret(Sample sample) throws Exception {
        String wrongSecret = "not-the-secret-" + UUID.randomUUID();

        Sample.Output output = sample.run(with("HUBGATE_CLIENT_SECRET", wrongSecret));

        assertThat(output.exitCode()).as(output.describe()).isEqualTo(1);
        assertThat(output.stdout()).as("no step ran").doesNotContain("create_device");
        assertThat(output.stderr()).as(output.describe()).contains("invalid_client");
        assertThat(output.stdout() + output.stderr()).doesNotContain(wrongSecret);
    }

    /** The development environment with one variable changed or added. */
    private static Map<String, String> with(String name, String value) {
        Map<String, String> changed = new HashMap<>(environment);
        changed.put(name, value);
        return changed;
    }

    /** The job the sample created ran on its tagged device, which the watch saw to completion. */
    private static void assertFleetJob(Map<String, JsonNode> steps, String deviceId) {
        JsonNode created = steps.get("job_create");
        assertThat(created.path("job_id").asText()).isEqualTo(deviceId + "-job");
        assertThat(created.path("query_condition").asText()).isEqualTo("tags.fleet = '" + deviceId + "-fleet'");
        JsonNode watched = steps.get("job_watch");
        List<String> states = new ArrayList<>();
        watched.path("states").forEach(state -> states.add(state.asText()));
        assertThat(states).as(watched.toString()).isNotEmpty().endsWith("JOB_STATE_COMPLETED");
        assertThat(watched.path("device_count").asInt()).as(watched.toString()).isEqualTo(1);
        assertThat(watched.path("succeeded_count").asInt()).as(watched.toString()).isEqualTo(1);
        assertThat(steps.get("job_check_twin").path("firmware").asText()).isEqualTo("2.4");
    }

    /** Every stdout line is one JSON object; the steps come in the contract's order, each once. */
    private static Map<String, JsonNode> steps(Sample.Output output, List<String> expected) throws IOException {
        Map<String, JsonNode> steps = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (String line : output.stdout().strip().split("\n")) {
            JsonNode step;
            try {
                step = JSON.readTree(line);
            } catch (IOException notJson) {
                return fail("stdout line is not JSON: " + line + "\n" + output.describe());
            }
            order.add(step.path("step").asText());
            steps.put(step.path("step").asText(), step);
        }
        assertThat(order).as(output.describe()).containsExactlyElementsOf(expected);
        return steps;
    }

    private static void assertDesired(JsonNode step, Sample sample) {
        JsonNode desired = step.path("desired").path("sample");
        assertThat(desired.path("language").asText()).as(step.toString()).isEqualTo(sample.language());
        assertThat(desired.path("interval").isNumber()).as(step.toString()).isTrue();
        assertThat(desired.path("interval").asDouble()).as(step.toString()).isEqualTo(30.0);
    }

    private static void assertError(JsonNode step, String code, String reason) {
        assertThat(step.path("code").asText()).as(step.toString()).isEqualTo(code);
        assertThat(step.path("domain").asText()).as(step.toString()).isEqualTo("azure-devices.net");
        assertThat(step.path("reason").asText()).as(step.toString()).isEqualTo(reason);
    }

    /** Asked by this test itself, as another caller: the sample really deleted the device. */
    private static void assertDeviceIsGone(String deviceId) {
        String token = gateway.embeddedHub().emulator().coordinates().entra()
                .accessToken(DefaultDirectory.READER, DefaultDirectory.API_URI);
        RegistryServiceGrpc.RegistryServiceBlockingStub registry = RegistryServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(new BearerCredentials(token));
        assertThatThrownBy(() -> registry.getDevice(GetDeviceRequest.newBuilder().setDeviceId(deviceId).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    private static void assertNoSecretIn(Sample.Output output) {
        String secret = environment.get("HUBGATE_CLIENT_SECRET");
        assertThat(output.stdout()).doesNotContain(secret);
        assertThat(output.stderr()).doesNotContain(secret);
    }
}
