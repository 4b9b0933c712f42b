package io.hubgate.readme;

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * README.md's quick start, run as a newcomer runs it: every block marked
 * {@code <!-- readme-test: NAME -->}, in README order, each in a fresh shell, against a fresh
 * gateway. A README edit that breaks a command, makes a block depend on another one's variables,
 * or drops a tested block fails the build.
 *
 * <ul>
 *   <li>{@code gateway}: the command is taken apart ({@link GatewayCommand}) rather than run through
 *       Maven inside this Maven build, which would be slow and would rebuild the jars this build is
 *       using. The class the command's module declares for that execution is started from this
 *       module's classpath (the reactor just built it) with the README's own arguments, with two
 *       changes: the port is any free one ({@code HUBGATE_PORT=0}; tests never take 50051), and the
 *       {@code --dev-env-file} path is a file under {@code target/} — that path is replaced in every
 *       block.</li>
 *   <li>{@code env}: what loads the gateway's file; it is run at the top of every later block, and
 *       nothing else carries over from one block to the next.</li>
 *   <li>every other block, e.g. {@code tools} (installs grpcurl with {@code go install}, into
 *       {@code target/readme-test/go-bin}, first on the blocks' {@code PATH}, instead of
 *       {@code $(go env GOPATH)/bin}), {@code python}, {@code grpcurl}, {@code java-cli} (its
 *       {@code mvn … package} runs for real): verbatim, with {@code set -euo pipefail}, and must
 *       exit 0.</li>
 * </ul>
 *
 * At the end the gateway's own output must hold an access-log line of a CreateDevice that a block
 * made (the grpcurl block's first call): the README sends a newcomer there to see each call.
 *
 * What this does not prove: that Maven's exec plugin starts the gateway (the command's shape and
 * its module's execution are checked, see {@link GatewayCommand}), nor what Maven's JVM does to
 * the gateway's log (under {@code mvn -q exec:java} a gateway logging through slf4j-simple printed
 * nothing; log4j2 does not read Maven's level, checked by hand); that the blocks work from a shell with
 * other variables set; anything about the blocks' output beyond the exit status (each sample and
 * the CLI have tests of their own that check what they print).
 */
class ReadmeQuickStartTest {

    /** The blocks the quick start must have, in this order; any other marked block runs too. */
    static final List<String> TESTED = List.of("tools", "gateway", "env", "python", "grpcurl", "java-cli");

    /** Upper bounds against hangs only. A first {@code go install} on an empty module cache is the slowest step. */
    private static final Duration BLOCK_PATIENCE = Duration.ofMinutes(15);
    private static final Duration GATEWAY_PATIENCE = Duration.ofMinutes(3);
    /** The JVM exits with 128 + 15 after SIGTERM, whatever its shutdown hooks do. */
    private static final int EXIT_ON_SIGTERM = 143;
    /** An access-log line (logger hubgate.access, text format) of a CreateDevice, the grpcurl block's first call. */
    private static final String ACCESS_LOG_OF_GRPCURL_CREATE =
            "(?m)^\\S+ \\[[^]]+] INFO hubgate\\.access - \\S+ jwt:\\S+ .*hubgate\\.v1\\.RegistryService/CreateDevice OK ";

    @Test
    void theQuickStart_runsBlockByBlock_inFreshShells_againstAFreshGateway() throws Exception {
        Path root = Path.of(System.getProperty("hubgate.repository.root", "..")).toAbsolutePath().normalize();
        Path work = freshDirectory(Path.of(System.getProperty("hubgate.readme.work", "target/readme-test")).toAbsolutePath());
        ReadmeBlocks readme = ReadmeBlocks.parse(Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8))
                .requireInOrder(TESTED);

        GatewayCommand command = GatewayCommand.parse(readme.get("gateway").script(), root);
        String documentedEnvFile = command.argument("--dev-env-file");
        assertThat(documentedEnvFile).as("the gateway block passes --dev-env-file FILE: " + command.programArguments()).isNotNull();
        assertThat(command.programArguments()).as("the test chooses the port itself").doesNotContain("--port");
        assertThat(readme.get("env").script()).as("the env block loads the gateway's file").contains(documentedEnvFile);
        Path envFile = work.resolve("hubgate.env");

        Map<String, String> environment = freshEnvironment(work);
        String envBlock = "";
        Process gateway = null;
        try {
            for (ReadmeBlocks.Block block : readme.all()) {
                String script = block.script().replace(documentedEnvFile, envFile.toString());
                switch (block.name()) {
                    case "gateway" -> gateway = startGateway(command, envFile, environment, work);
                    case "env" -> envBlock = "# README block 'env'\n" + script;
                    default -> {
                        ShellBlock.Result result = ShellBlock.run(block.name(), envBlock + "# README block '" + block.name()
                                + "' (line " + block.line() + ")\n" + script, root, environment, work, BLOCK_PATIENCE);
                        // Printed for whoever watches the build's time: which block costs what.
                        System.out.println("README block '" + block.name() + "': exit " + result.exitCode() + " after "
                                + result.took().toMillis() / 1000.0 + " s");
                        assertThat(result.exitCode()).as(result.describe()).isZero();
                    }
                }
            }
        } finally {
            if (gateway != null) {
                gateway.destroy(); // SIGTERM, like Ctrl+C
                assertThat(gateway.waitFor(GATEWAY_PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the gateway stops").isTrue();
            }
        }
        String gatewayLog = Files.readString(work.resolve("gateway.log"));
        assertThat(gateway.exitValue()).as(gatewayLog).isEqualTo(EXIT_ON_SIGTERM);
        assertThat(gatewayLog).as("the README promises one access-log line per call in the gateway's terminal; "
                + "no CreateDevice of the quick start has one").containsPattern(ACCESS_LOG_OF_GRPCURL_CREATE);
        assertThat(envFile).as("the README says the file is deleted when the gateway stops").doesNotExist();
    }

    /**
     * The gateway as the README's command would start it, and once it has written its file. Its
     * classpath is a copy of this build's own modules, so that the quick start's own Maven build
     * (the Java CLI block) cannot change a jar under the running gateway.
     */
    private static Process startGateway(GatewayCommand command, Path envFile, Map<String, String> environment, Path work)
            throws Exception {
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", copyOfOwnClasspath(work.resolve("gateway-classpath")), command.mainClass()));
        for (String argument : command.programArguments()) {
            java.add(argument.equals(command.argument("--dev-env-file")) ? envFile.toString() : argument);
        }
        Path log = work.resolve("gateway.log");
        ProcessBuilder builder = new ProcessBuilder(java).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put("HUBGATE_PORT", "0");
        Process gateway = builder.start();
        try {
            await().atMost(GATEWAY_PATIENCE).pollInterval(Duration.ofMillis(200)).failFast(() -> !gateway.isAlive())
                    .until(() -> Files.exists(envFile));
        } catch (ConditionTimeoutException | TerminalFailureException notWritten) {
            gateway.destroyForcibly();
            throw new AssertionError("the gateway did not write " + envFile + ":\n" + Files.readString(log));
        }
        return gateway;
    }

    /**
     * The environment of a new terminal: this one's, without any HUBGATE_ or Azure identity
     * variable, and with a GOBIN of the test's own first on the PATH.
     */
    private static Map<String, String> freshEnvironment(Path work) throws IOException {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.keySet().removeIf(name -> name.startsWith("HUBGATE_") || name.startsWith("AZURE_")
                || name.startsWith("IDENTITY_") || name.startsWith("MSI_"));
        Path goBin = Files.createDirectories(work.resolve("go-bin"));
        environment.put("GOBIN", goBin.toString());
        environment.put("PATH", goBin + File.pathSeparator + environment.getOrDefault("PATH", "/usr/bin:/bin"));
        return environment;
    }

    /** This JVM's classpath, with every entry from the repository's target/ folders copied into {@code into}. */
    private static String copyOfOwnClasspath(Path into) throws IOException {
        Path root = Path.of(System.getProperty("hubgate.repository.root", "..")).toAbsolutePath().normalize();
        List<String> entries = new ArrayList<>();
        int index = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath().normalize();
            if (!path.startsWith(root) || !Files.exists(path)) {
                entries.add(entry);
                continue;
            }
            Path copy = into.resolve(index++ + "-" + path.getFileName());
            copyRecursively(path, copy);
            entries.add(copy.toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> tree = Files.walk(from)) {
            tree.forEach(source -> {
                try {
                    Path target = to.resolve(from.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(source, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static Path freshDirectory(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (Stream<Path> tree = Files.walk(directory)) {
                for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        return Files.createDirectories(directory);
    }
}
