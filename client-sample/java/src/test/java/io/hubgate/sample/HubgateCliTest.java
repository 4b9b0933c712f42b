package io.hubgate.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import com.nimbusds.jwt.JWTClaimsSet;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.InvokeMethodResponse;
import io.hubgate.api.v1.RegistryStatistics;
import io.hubgate.api.v1.Twin;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.devices.MethodBehaviour;
import io.hubgate.emulator.devices.SimulatedDevices;
import io.hubgate.emulator.devices.SimulatedDevices.Target;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.emulator.tls.EmulatorCertificate;
import io.hubgate.server.Gateway;
import io.hubgate.server.config.GatewayConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the CLI in-process against a real gateway on its embedded emulator (over a real socket,
 * in plaintext; {@link OverTls}: a second gateway serving TLS) and checks what it printed and how
 * it exited. Direct methods reach the emulator's simulated devices, driven in-process.
 */
class HubgateCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Gateway gateway;
    private static String token;

    @BeforeAll
    static void startGateway() throws Exception {
        gateway = Gateway.start(GatewayConfig.localDevelopment(0));
        token = callerToken(gateway, DefaultDirectory.API_ROLES);
    }

    @AfterAll
    static void stopGateway() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** A token of the gateway's emulator's issuer for api://hubgate with these app roles, as a real caller gets one. */
    private static String callerToken(Gateway gateway, List<String> roles) {
        EntraCoordinates entra = gateway.embeddedHub().emulator().coordinates().entra();
        Instant now = Instant.now();
        return entra.sign(new JWTClaimsSet.Builder().issuer(entra.issuer()).audience(DefaultDirectory.API_URI)
                .subject("cli-test").claim("oid", "cli-test").claim("tid", entra.tenantId())
                .claim("azp", "cli-test-app").claim("roles", roles)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1)))).build());
    }

    /** What one run printed and how it exited. */
    record Run(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().filter(line -> !line.isBlank()).toList();
        }
    }

    /** Runs the CLI against the test gateway with the all-roles token. */
    private static Run cli(String... args) {
        return raw(Stream.concat(Stream.of("--target", "127.0.0.1:" + gateway.port(), "--plaintext", "--token", token),
                Arrays.stream(args)).toArray(String[]::new));
    }

    /** Runs the CLI with exactly these arguments and no HUBGATE_ variables. */
    private static Run raw(String... args) {
        return withEnvironment(Map.of(), args);
    }

    /**
     * Runs the CLI with exactly these arguments and these environment variables. picocli's own
     * output (usage messages, the stack trace of an exception the CLI let escape) goes to the same
     * writers, as it does in main.
     */
    private static Run withEnvironment(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        int code = new CommandLine(new HubgateCli(outWriter, errWriter, environment)).setOut(outWriter).setErr(errWriter)
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** What the gateway's --dev-env-file writes for it: the samples' shared variables. */
    private static Map<String, String> developmentEnvironment() {
        return gateway.embeddedHub().developmentEnvironment(gateway.config(), gateway.port());
    }

    /** The development environment with one variable changed or added. */
    private static Map<String, String> developmentEnvironmentWith(String name, String value) {
        Map<String, String> changed = new HashMap<>(developmentEnvironment());
        changed.put(name, value);
        return changed;
    }

    private static Device device(String json) throws Exception {
        Device.Builder device = Device.newBuilder();
        JsonFormat.parser().merge(json, device);
        return device.build();
    }

    private static InvokeMethodResponse invokeResponse(String json) throws Exception {
        InvokeMethodResponse.Builder response = InvokeMethodResponse.newBuilder();
        JsonFormat.parser().merge(json, response);
        return response.build();
    }

    private static Twin twin(String json) throws Exception {
        Twin.Builder twin = Twin.newBuilder();
        JsonFormat.parser().merge(json, twin);
        return twin.build();
    }

    private static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void deviceAndTwinLifecycleWithStaleEtagAndNotFound() throws Exception {
        String id = uniqueId("cli");

        Run created = cli("create-device", id);
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(device(created.out()).getDeviceId()).isEqualTo(id);

        Run got = cli("get-device", id);
        assertThat(got.exitCode()).as(got.err()).isZero();
        Device device = device(got.out());
        assertThat(device.getDeviceId()).isEqualTo(id);
        assertThat(device.getEtag()).isNotEmpty();
        assertThat(device.hasSymmetricKeys()).isFalse();

        Run before = cli("get-twin", id);
        assertThat(before.exitCode()).as(before.err()).isZero();
        String oldEtag = twin(before.out()).getEtag();
        assertThat(oldEtag).isNotEmpty();

        Run updated = cli("update-twin", id, "--desired", "{\"mode\":\"eco\",\"interval\":30}",
                "--tags", "{\"site\":\"ams\"}", "--etag", oldEtag);
        assertThat(updated.exitCode()).as(updated.err()).isZero();

        Run after = cli("get-twin", id);
        assertThat(after.exitCode()).as(after.err()).isZero();
        Twin twin = twin(after.out());
        assertThat(twin.getDesired().getProperties().getFieldsMap().get("mode").getStringValue()).isEqualTo("eco");
        assertThat(twin.getDesired().getProperties().getFieldsMap().get("interval").getNumberValue()).isEqualTo(30.0);
        assertThat(twin.getTags().getFieldsMap().get("site").getStringValue()).isEqualTo("ams");
        assertThat(twin.getEtag()).isNotEmpty().isNotEqualTo(oldEtag);

        Run query = cli("query", "SELECT * FROM devices WHERE deviceId = '" + id + "' AND properties.desired.mode = 'eco'");
        assertThat(query.exitCode()).as(query.err()).isZero();
        assertThat(query.outLines()).hasSize(1);
        Twin found = twin(query.outLines().get(0));
        assertThat(found.getDeviceId()).isEqualTo(id);
        assertThat(found.getEtag()).isEqualTo(twin.getEtag());

        Run stale = cli("update-twin", id, "--desired", "{\"mode\":\"turbo\"}", "--etag", oldEtag);
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.out()).isEmpty();
        assertThat(stale.err()).startsWith("error: ABORTED: ").contains("reason: PreconditionFailed");
        Run unchanged = cli("get-twin", id);
        assertThat(twin(unchanged.out()).getDesired().getProperties().getFieldsMap().get("mode").getStringValue())
                .isEqualTo("eco");

        Run deleted = cli("delete-device", id);
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("deleted " + id);

        Run gone = cli("get-device", id);
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.out()).isEmpty();
        assertThat(gone.err()).startsWith("error: NOT_FOUND: ").contains("reason: DeviceNotFound");
    }

    @Test
    void printedEtags_areVerbatim_soTheyWorkWhenPassedBackAsPrinted() {
        String id = uniqueId("cli-etag");
        assertThat(cli("create-device", id).exitCode()).isZero();

        // Taken from the text as a shell user copies it (by hand or with sed), not through a JSON parser.
        Run before = cli("get-twin", id);
        assertThat(before.exitCode()).as(before.err()).isZero();
        String printed = rawField(before.out(), "etag");

        Run updated = cli("update-twin", id, "--desired", "{\"interval\":30}", "--etag", printed);
        assertThat(updated.exitCode()).as(updated.err()).isZero();
        assertThat(printed).as("an etag with '=' (base64), which HTML escaping would print as \\u003d").contains("=");
        assertThat(before.out() + updated.out()).doesNotContain("\\u00");
        String newEtag = rawField(updated.out(), "etag");

        Run query = cli("query", "SELECT * FROM devices WHERE deviceId = '" + id + "'");
        assertThat(query.exitCode()).as(query.err()).isZero();
        assertThat(rawField(query.out(), "etag")).isEqualTo(newEtag);
        assertThat(cli("delete-device", id, "--etag", rawField(cli("get-device", id).out(), "etag")).exitCode()).isZero();
    }

    @Test
    void twinNumbers_printAsGrpcurlPrintsThem_integersWithoutAFraction() {
        String id = uniqueId("cli-numbers");
        assertThat(cli("create-device", id).exitCode()).isZero();

        Run updated = cli("update-twin", id, "--desired", "{\"interval\":30,\"ratio\":0.5,\"offset\":-7}");

        assertThat(updated.exitCode()).as(updated.err()).isZero();
        // Struct numbers are doubles on the wire: the integral ones print as integers, the rest as they are.
        assertThat(rawNumber(updated.out(), "interval")).isEqualTo("30");
        assertThat(rawNumber(updated.out(), "ratio")).isEqualTo("0.5");
        assertThat(rawNumber(updated.out(), "offset")).isEqualTo("-7");
        assertThat(rawNumber(updated.out(), "$lastUpdatedVersion")).isEqualTo("2");
        assertThat(cli("delete-device", id).exitCode()).isZero();
    }

    /** The first {@code "name": number} in printed JSON, as printed. */
    private static String rawNumber(String printed, String name) {
        java.util.regex.Matcher field = java.util.regex.Pattern
                .compile("\"" + java.util.regex.Pattern.quote(name) + "\": ?([-0-9.eE+]+)").matcher(printed);
        assertThat(field.find()).as("a \"" + name + "\" number in:\n" + printed).isTrue();
        return field.group(1);
    }

    /** The first {@code "name": "value"} in printed JSON, exactly as printed (escapes and all). */
    private static String rawField(String printed, String name) {
        java.util.regex.Matcher field = java.util.regex.Pattern.compile("\"" + name + "\": ?\"([^\"]*)\"").matcher(printed);
        assertThat(field.find()).as("a \"" + name + "\" field in:\n" + printed).isTrue();
        return field.group(1);
    }

    @Test
    void staleEtagOnDeleteIsAbortedAndKeepsTheDevice() throws Exception {
        String id = uniqueId("cli-del");
        assertThat(cli("create-device", id).exitCode()).isZero();
        String etag = device(cli("get-device", id).out()).getEtag();
        assertThat(cli("update-twin", id, "--tags", "{\"x\":1}").exitCode()).isZero();

        Run wrongEtag = cli("delete-device", id, "--etag", "not-" + etag);
        assertThat(wrongEtag.exitCode()).isEqualTo(1);
        assertThat(wrongEtag.err()).startsWith("error: ABORTED: ").contains("reason: PreconditionFailed");
        assertThat(cli("get-device", id).exitCode()).isZero();

        Run rightEtag = cli("delete-device", id, "--etag", etag);
        assertThat(rightEtag.exitCode()).as(rightEtag.err()).isZero();
        assertThat(cli("get-device", id).err()).contains("reason: DeviceNotFound");
    }

    @Test
    void badDeviceIdPrintsTheFieldViolation() {
        Run run = cli("create-device", "no spaces allowed");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("error: INVALID_ARGUMENT: ")
                .containsPattern("field violation: [a-z_.]*device_id: \\S+");
    }

    @Test
    void noTokenIsUnauthenticated() {
        Run run = raw("--target", "127.0.0.1:" + gateway.port(), "--plaintext", "--token", "", "stats");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("error: UNAUTHENTICATED: ");
    }

    @Test
    void listDevicesFollowsPagesAndStatsCountThem() throws Exception {
        String prefix = uniqueId("cli-list");
        List<String> ids = List.of(prefix + "-a", prefix + "-b", prefix + "-c");
        for (String id : ids) {
            assertThat(cli("create-device", id).exitCode()).isZero();
        }

        Run listed = cli("list-devices", "--page-size", "1");
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        List<String> listedIds = listed.outLines().stream().map(line -> {
            try {
                return device(line).getDeviceId();
            } catch (Exception e) {
                throw new AssertionError("not a device: " + line, e);
            }
        }).toList();
        assertThat(listedIds).containsAll(ids).doesNotHaveDuplicates();

        Run stats = cli("stats");
        assertThat(stats.exitCode()).as(stats.err()).isZero();
        RegistryStatistics.Builder counts = RegistryStatistics.newBuilder();
        JsonFormat.parser().merge(stats.out(), counts);
        assertThat(counts.getTotalDeviceCount()).isGreaterThanOrEqualTo(listedIds.size());
    }

    @Test
    void stats_printsEveryCount_zeroIncluded() {
        // The test gateway's devices are all enabled: the disabled count is 0, which proto3 JSON would leave out.
        assertThat(cli("create-device", uniqueId("cli-stats")).exitCode()).isZero();
        Run stats = cli("stats");
        assertThat(stats.exitCode()).as(stats.err()).isZero();
        assertThat(stats.out()).contains("\"totalDeviceCount\"").contains("\"enabledDeviceCount\"")
                .contains("\"disabledDeviceCount\": \"0\"");
    }

    @Test
    void invokeReachesAConnectedDeviceAndPrintsItsAnswer() throws Exception {
        String id = uniqueId("cli-inv");
        assertThat(cli("create-device", id).exitCode()).isZero();
        SimulatedDevices devices = gateway.embeddedHub().emulator().devices();
        Target device = new Target(id, null);
        devices.setConnected(device, true);
        devices.onMethod(device, "reboot", new MethodBehaviour(202, JSON.readTree("{\"rebooting\":true,\"in\":5}"),
                Duration.ZERO, true, false));
        devices.onMethod(device, "echo", new MethodBehaviour(200, null, Duration.ZERO, true, true));

        Run run = cli("invoke", id, "reboot", "--payload", "{\"delay\":5,\"reason\":\"update\"}", "--timeout", "7s");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        InvokeMethodResponse answer = invokeResponse(run.out());
        assertThat(answer.getStatus()).isEqualTo(202);
        assertThat(answer.getPayload().getStructValue().getFieldsMap()).containsOnlyKeys("rebooting", "in");
        assertThat(answer.getPayload().getStructValue().getFieldsOrThrow("rebooting").getBoolValue()).isTrue();
        assertThat(answer.getPayload().getStructValue().getFieldsOrThrow("in").getNumberValue()).isEqualTo(5.0);
        assertThat(devices.receivedCalls(device)).singleElement().satisfies(call -> {
            assertThat(call.methodName()).isEqualTo("reboot");
            assertThat(call.payload()).isEqualTo(JSON.readTree("{\"delay\":5,\"reason\":\"update\"}"));
            assertThat(call.responseTimeout()).isEqualTo(Duration.ofSeconds(7));
        });

        // Any JSON value goes through as the payload, not only an object.
        Run echoed = cli("invoke", id, "echo", "--payload", "[1,\"two\",null]");
        assertThat(echoed.exitCode()).as(echoed.err()).isZero();
        Value list = invokeResponse(echoed.out()).getPayload();
        assertThat(list.getListValue().getValuesList()).extracting(Value::getKindCase)
                .containsExactly(Value.KindCase.NUMBER_VALUE, Value.KindCase.STRING_VALUE, Value.KindCase.NULL_VALUE);
        assertThat(list.getListValue().getValues(1).getStringValue()).isEqualTo("two");
        assertThat(devices.receivedCalls(device)).last().satisfies(call -> {
            assertThat(call.methodName()).isEqualTo("echo");
            assertThat(call.payload()).isEqualTo(JSON.readTree("[1,\"two\",null]"));
            assertThat(call.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
        });
    }

    @Test
    void invokeOnADeviceThatIsNotConnectedIsNotFound() {
        String id = uniqueId("cli-inv-off");
        assertThat(cli("create-device", id).exitCode()).isZero();
        Run never = cli("invoke", id, "reboot", "--payload", "{\"delay\":1}", "--timeout", "5s");
        assertThat(never.exitCode()).isEqualTo(1);
        assertThat(never.out()).isEmpty();
        assertThat(never.err()).startsWith("error: NOT_FOUND: ").contains("reason: DeviceNotOnline")
                .contains("domain: azure-devices.net").contains("metadata: iotHubErrorCode=404103");

        // Connected once, then gone: the hub forgets its handlers and the device receives nothing.
        SimulatedDevices devices = gateway.embeddedHub().emulator().devices();
        Target device = new Target(id, null);
        devices.setConnected(device, true);
        devices.onMethod(device, "reboot", new MethodBehaviour(200, null, Duration.ZERO, true, false));
        devices.setConnected(device, false);
        Run gone = cli("invoke", id, "reboot", "--timeout", "5s");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.out()).isEmpty();
        assertThat(gone.err()).startsWith("error: NOT_FOUND: ").contains("reason: DeviceNotOnline");
        assertThat(devices.receivedCalls(device)).isEmpty();
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(cli("update-twin", "some-device", "--desired", "[1,2]").exitCode()).isEqualTo(2);
        assertThat(cli("update-twin", "some-device").exitCode()).isEqualTo(2);
        assertThat(cli("invoke", "some-device", "m", "--timeout", "soon").exitCode()).isEqualTo(2);
        assertThat(cli("no-such-command").exitCode()).isEqualTo(2);
        assertThat(raw().exitCode()).isEqualTo(2);
    }

    @Test
    void acquiresATokenWithAClientSecret() throws Exception {
        EmulatorCoordinates at = gateway.embeddedHub().emulator().coordinates();
        EntraCoordinates.ClientCredentials app = at.entra().application(DefaultDirectory.REGISTRY);
        Run stats = raw("--target", "127.0.0.1:" + gateway.port(), "--plaintext", "--token", "",
                "--client-id", app.clientId(), "--client-secret", app.secret(), "--tenant", at.entra().tenantId(),
                "--authority", at.entra().authorityHost(), "--authority-ca-cert", at.certificatePath().toString(),
                "stats");
        assertThat(stats.exitCode()).as(stats.err()).isZero();
        RegistryStatistics.Builder counts = RegistryStatistics.newBuilder();
        JsonFormat.parser().merge(stats.out(), counts);
        assertThat(counts.getTotalDeviceCount()).isEqualTo(counts.getEnabledDeviceCount() + counts.getDisabledDeviceCount());

        Run wrongSecret = raw("--target", "127.0.0.1:" + gateway.port(), "--plaintext", "--token", "",
                "--client-id", app.clientId(), "--client-secret", "wrong", "--tenant", at.entra().tenantId(),
                "--authority", at.entra().authorityHost(), "--authority-ca-cert", at.certificatePath().toString(),
                "stats");
        assertThat(wrongSecret.exitCode()).isEqualTo(1);
        assertThat(wrongSecret.err()).startsWith("error: could not acquire a token: ");
    }

    @Test
    void theSamplesVariablesAlone_reachTheGateway_andGetATokenFromTheTokenEndpoint() {
        // Exactly what "set -a; . FILE; set +a" gives a shell after --dev-env-file FILE: no flags at all.
        String id = uniqueId("cli-env");
        Run created = withEnvironment(developmentEnvironment(), "create-device", id);
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("\"deviceId\": \"" + id + "\"");

        Run deleted = withEnvironment(developmentEnvironment(), "delete-device", id);
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
    }

    @Test
    void flagsWinOverTheVariables() {
        Map<String, String> elsewhere = developmentEnvironmentWith("HUBGATE_TARGET", "127.0.0.1:1");
        assertThat(withEnvironment(elsewhere, "stats").exitCode()).as("the variable is used").isEqualTo(1);
        Run flagged = withEnvironment(elsewhere, "--target", "127.0.0.1:" + gateway.port(), "stats");
        assertThat(flagged.exitCode()).as(flagged.err()).isZero();

        Map<String, String> wrongSecret = developmentEnvironmentWith("HUBGATE_CLIENT_SECRET", "not-the-secret");
        Run refused = withEnvironment(wrongSecret, "stats");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).startsWith("error: could not acquire a token: ").doesNotContain("not-the-secret");
        Run withToken = withEnvironment(wrongSecret, "--token", token, "stats");
        assertThat(withToken.exitCode()).as("--token wins over the client credentials: " + withToken.err()).isZero();
    }

    @Test
    void aGivenTokenVariable_isUsedAsIs_beforeTheClientCredentials() {
        Map<String, String> environment = developmentEnvironmentWith("HUBGATE_CLIENT_SECRET", "not-the-secret");
        environment.put("HUBGATE_TOKEN", token);
        Run stats = withEnvironment(environment, "stats");
        assertThat(stats.exitCode()).as(stats.err()).isZero();
    }

    @Test
    void aTokenUrlThatIsNotAnEntraTokenEndpoint_isAUsageError() {
        Run run = withEnvironment(developmentEnvironmentWith("HUBGATE_TOKEN_URL", "https://127.0.0.1:1/token"), "stats");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("error: the token URL must be an Entra v2 token endpoint, ")
                .doesNotContain(developmentEnvironment().get("HUBGATE_CLIENT_SECRET"));
    }

    @Test
    void aClientIdWithoutASecret_isAUsageError() {
        Run run = raw("--target", "127.0.0.1:" + gateway.port(), "--plaintext", "--client-id", "someone", "stats");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: --client-id needs --client-secret");
    }

    /** The CLI against a second gateway that serves TLS with a throwaway self-signed certificate for loopback. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OverTls {

        private Path dir;
        private Path certificate;
        private Gateway tlsGateway;
        private String tlsToken;

        @BeforeAll
        void startTlsGateway(@TempDir Path tempDir) throws Exception {
            dir = tempDir;
            certificate = dir.resolve("gateway-cert.pem");
            Path key = dir.resolve("gateway-key.pem");
            EmulatorCertificate generated = EmulatorCertificate.selfSigned(Set.of()); // SANs 127.0.0.1, ::1, localhost
            generated.writeCertificate(certificate);
            generated.writePrivateKey(key);
            tlsGateway = Gateway.start(GatewayConfig.localDevelopment(0).withTls(certificate, key));
            tlsToken = callerToken(tlsGateway, DefaultDirectory.API_ROLES);
        }

        @AfterAll
        void stopTlsGateway() throws Exception {
            if (tlsGateway != null) {
                tlsGateway.close();
            }
        }

        private Run tls(String... args) {
            return raw(Stream.concat(Stream.of("--target", "127.0.0.1:" + tlsGateway.port(), "--token", tlsToken),
                    Arrays.stream(args)).toArray(String[]::new));
        }

        /** What a transport failure must look like: exit 1, nothing on stdout, no stack trace, no netty internals. */
        private void assertCleanFailure(Run run) {
            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("Channel Pipeline");
        }

        @Test
        void trustingTheGatewaysCertificateWithCaCertWorks() throws Exception {
            String id = uniqueId("cli-tls");
            Run created = tls("--ca-cert", certificate.toString(), "create-device", id);
            assertThat(created.exitCode()).as(created.err()).isZero();
            assertThat(device(created.out()).getDeviceId()).isEqualTo(id);

            Run got = tls("--ca-cert", certificate.toString(), "get-device", id);
            assertThat(got.exitCode()).as(got.err()).isZero();
            assertThat(device(got.out()).getDeviceId()).isEqualTo(id);
        }

        @Test
        void theCaCertVariable_trustsTheGatewaysCertificate_andACaCertFlagWinsOverThePlaintextVariable() {
            Map<String, String> tlsEnvironment = Map.of("HUBGATE_TARGET", "127.0.0.1:" + tlsGateway.port(),
                    "HUBGATE_CA_CERT", certificate.toString(), "HUBGATE_TOKEN", tlsToken);
            Run trusted = withEnvironment(tlsEnvironment, "stats");
            assertThat(trusted.exitCode()).as(trusted.err()).isZero();

            Map<String, String> plaintextEnvironment = Map.of("HUBGATE_TARGET", "127.0.0.1:" + tlsGateway.port(),
                    "HUBGATE_PLAINTEXT", "true", "HUBGATE_TOKEN", tlsToken);
            assertCleanFailure(withEnvironment(plaintextEnvironment, "stats"));
            Run flagged = withEnvironment(plaintextEnvironment, "--ca-cert", certificate.toString(), "stats");
            assertThat(flagged.exitCode()).as(flagged.err()).isZero();
        }

        @Test
        void withoutCaCertTheUntrustedCertificateIsUnavailableWithAHint() {
            Run run = tls("stats");
            assertCleanFailure(run);
            assertThat(run.err()).startsWith("error: UNAVAILABLE: TLS handshake failed: the gateway's certificate was rejected (")
                    .contains("unable to find valid certification path")
                    .contains("\nhint: give --ca-cert ");
        }

        @Test
        void aCaCertThatDidNotIssueTheCertificateIsRejectedToo() throws Exception {
            Path other = dir.resolve("other-ca.pem");
            EmulatorCertificate.selfSigned(Set.of()).writeCertificate(other);
            Run run = tls("--ca-cert", other.toString(), "stats");
            assertCleanFailure(run);
            assertThat(run.err()).startsWith("error: UNAVAILABLE: TLS handshake failed: the gateway's certificate was rejected (")
                    .contains("\nhint: give --ca-cert ");
        }

        @Test
        void plaintextAgainstTheTlsGatewaySuggestsLeavingOutPlaintext() {
            Run run = tls("--plaintext", "stats");
            assertCleanFailure(run);
            assertThat(run.err()).startsWith("error: UNAVAILABLE: ").contains("\nhint: ").contains("leave out --plaintext");
        }

        @Test
        void tlsAgainstAPlaintextGatewaySuggestsPlaintext() {
            Run run = raw("--target", "127.0.0.1:" + gateway.port(), "--ca-cert", certificate.toString(), "--token", token, "stats");
            assertCleanFailure(run);
            assertThat(run.err()).startsWith("error: UNAVAILABLE: TLS handshake failed: the gateway did not answer in TLS")
                    .contains("\nhint: ").contains("needs --plaintext");
        }

        @Test
        void aCaCertFileWithoutACertificateIsAUsageError() throws Exception {
            Path junk = dir.resolve("junk.pem");
            Files.writeString(junk, "not a certificate\n");
            Run run = tls("--ca-cert", junk.toString(), "stats");
            assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).startsWith("error: cannot read a certificate: " + junk + ": no PEM certificate")
                    .doesNotContain("\tat ");

            Run missing = tls("--ca-cert", dir.resolve("missing.pem").toString(), "stats");
            assertThat(missing.exitCode()).isEqualTo(2);
            assertThat(missing.err()).startsWith("error: cannot read a certificate: ");
        }
    }
}
