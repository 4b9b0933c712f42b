package io.hubgate.deploy;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distributions that {@code mvn package} makes run as the README says: the launcher scripts
 * with their JVM defaults (and JAVA_OPTS after them), and the jars with plain {@code java -jar}.
 */
class DistributionTest {

    private static final Duration START_PATIENCE = Duration.ofSeconds(90);
    private static final Pattern GATEWAY_SERVING = Pattern.compile("hubgate is serving gRPC on 127\\.0\\.0\\.1:(\\d+) ");

    @TempDir
    Path temp;

    @Test
    void gatewayLauncher_servesWithItsJvmDefaultsThenJavaOpts_andStopsOnSigterm() throws Exception {
        Path home = LaunchedProcess.distribution("hubgate.gateway.distribution");
        try (LaunchedProcess gateway = LaunchedProcess.start(List.of(home.resolve("bin/hubgate").toString(), "--port", "0",
                "--shutdown-grace", "2s"), Map.of("JAVA_OPTS", "-Xmx200m"), temp.resolve("gateway.log"))) {
            int port = Integer.parseInt(gateway.awaitLine(GATEWAY_SERVING, START_PATIENCE).group(1));

            assertThat(health(port)).isEqualTo(ServingStatus.SERVING);
            // The launcher execs the JVM itself (signals reach it) with its defaults, then JAVA_OPTS, which wins.
            List<String> jvmArguments = List.of(gateway.handle().info().arguments().orElseThrow());
            assertThat(jvmArguments).contains("-Xmx192m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "io.hubgate.server.Main");
            assertThat(jvmArguments.indexOf("-Xmx200m")).isGreaterThan(jvmArguments.indexOf("-Xmx192m"));

            assertThat(gateway.terminate()).as("exit status after SIGTERM").isEqualTo(143);
            assertThat(gateway.output()).contains("hubgate stopped");
        }
    }

    @Test
    void emulatorLauncher_serves() throws Exception {
        Path home = LaunchedProcess.distribution("hubgate.emulator.distribution");
        try (LaunchedProcess emulator = LaunchedProcess.start(List.of(home.resolve("bin/hubgate-emulator").toString(),
                "--port", "0", "--cert-out", temp.resolve("emulator.pem").toString()), Map.of(), temp.resolve("emulator.log"))) {
            Matcher endpoint = emulator.awaitLine(Pattern.compile("Endpoint\\s+https://127\\.0\\.0\\.1:(\\d+)"), START_PATIENCE);

            assertThat(Integer.parseInt(endpoint.group(1))).isPositive();
            assertThat(temp.resolve("emulator.pem")).isNotEmptyFile();
        }
    }

    @Test
    void jars_runWithPlainJavaJar() throws Exception {
        for (String[] program : List.of(new String[]{"hubgate.gateway.distribution", "hubgate-server-", "hubgate "},
                new String[]{"hubgate.emulator.distribution", "hubgate-emulator-", "hubgate-emulator "})) {
            Path lib = LaunchedProcess.distribution(program[0]).resolve("lib");
            Path jar;
            try (Stream<Path> jars = Files.list(lib)) {
                jar = jars.filter(p -> p.getFileName().toString().startsWith(program[1])).findFirst().orElseThrow();
            }
            Path out = temp.resolve(program[1] + "version.txt");
            try (LaunchedProcess version = LaunchedProcess.start(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-jar", jar.toString(), "--version"), Map.of(), out)) {
                assertThat(version.handle().onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
                assertThat(version.output()).as(jar + " --version").startsWith(program[2]);
            }
        }
    }

    private static ServingStatus health(int port) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
