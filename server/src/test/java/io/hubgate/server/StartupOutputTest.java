package io.hubgate.server;

import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.server.embedded.DevelopmentEnvironment;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code hubgate} prints at start, as a user sees it: {@link Main} in a child JVM on the
 * embedded emulator, its standard output and error in one file. The startup lines must say
 * something true and useful about getting a caller token, and a port that is taken must end the
 * process with one clear line, not a stack trace.
 */
class StartupOutputTest {

    /** Upper bound against hangs only. */
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String STARTED = "Press Ctrl+C to stop.";

    @Test
    void withDevEnvFile_theStartupLinesPointToTheFile_andNameNoApplicationWhoseSecretStaysHidden(@TempDir Path dir)
            throws Exception {
        Path envFile = dir.resolve("hubgate.env");
        Path log = dir.resolve("gateway.log");
        Process gateway = start(log, Map.of("HUBGATE_PORT", "0"), "--dev-env-file", envFile.toString());
        try {
            String output = awaitOutput(gateway, log, text -> text.contains(STARTED) && text.contains(envFile.toString()));

            assertThat(output).contains("set -a; . " + envFile + "; set +a")
                    .contains(DefaultDirectory.SERVICE)
                    .as("the user passed --dev-env-file: no advice to pass it").doesNotContain("--dev-env-file")
                    .as("the embedded mode never reveals its secret").doesNotContain(DefaultDirectory.READER);
            assertThat(output).doesNotContain(DevelopmentEnvironment.read(envFile).get("HUBGATE_CLIENT_SECRET"));
        } finally {
            stop(gateway);
        }
    }

    @Test
    void withoutDevEnvFile_theStartupLinesSayHowToGetCallerCredentials(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("gateway.log");
        Process gateway = start(log, Map.of("HUBGATE_PORT", "0"));
        try {
            String output = awaitOutput(gateway, log, text -> text.contains(STARTED) && text.contains("--dev-env-file"));

            assertThat(output).contains("--dev-env-file FILE").contains(DefaultDirectory.SERVICE)
                    .contains("/oauth2/v2.0/token").contains(DefaultDirectory.API_URI + "/.default")
                    .doesNotContain(DefaultDirectory.READER);
        } finally {
            stop(gateway);
        }
    }

    @Test
    void aPortInUse_endsTheProcessWithOneClearLine_andExitCode1(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path log = dir.resolve("gateway.log");
            Process gateway = start(log, Map.of("HUBGATE_PORT", Integer.toString(taken.getLocalPort())));

            assertThat(gateway.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the gateway exits").isTrue();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(gateway.exitValue()).as(output).isEqualTo(1);
            assertThat(output).contains("hubgate: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": the port is already in use");
            assertThat(output).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    @Test
    void aConnectionStringMissingAField_endsTheProcessWithOneLineNamingTheField(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("gateway.log");
        Process gateway = start(log, Map.of("HUBGATE_PORT", "0",
                "HUBGATE_HUB_CONNECTION_STRING", "HostName=127.0.0.1:1;SharedAccessKeyName=iothubowner"), "--insecure-no-auth");

        assertThat(gateway.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the gateway exits").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(gateway.exitValue()).as(output).isEqualTo(Main.EXIT_USAGE);
        assertThat(output.lines().findFirst()).hasValue("hubgate: --hub-connection-string has no SharedAccessKey");
        assertThat(output).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
    }

    /** {@code hubgate} with these arguments and environment (no inherited HUBGATE_ or Azure variables). */
    private static Process start(Path log, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("HUBGATE_") || name.startsWith("AZURE_")
                || name.startsWith("IDENTITY_") || name.startsWith("MSI_"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static String awaitOutput(Process process, Path log, Predicate<String> complete) throws Exception {
        try {
            await().atMost(PATIENCE).until(() -> complete.test(Files.readString(log, StandardCharsets.UTF_8)) || !process.isAlive());
        } catch (ConditionTimeoutException notInTime) {
            // what did come is shown below
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (!complete.test(output)) {
            throw new AssertionError("the expected startup lines did not come:\n" + output);
        }
        return output;
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
