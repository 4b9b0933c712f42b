package io.hubgate.emulator.support;

import io.hubgate.emulator.EmulatorCoordinates;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a managed-identity probe (a main class such as {@link ManagedIdentityProbe}) in a child JVM
 * on this test's class path, whose environment points {@code IDENTITY_ENDPOINT} and
 * {@code IDENTITY_HEADER} at a hub's local Entra and holds no other Azure variable: MSAL reads them
 * only from the real process environment, so the test's own JVM cannot be given them. Returns the
 * {@code key=value} lines the probe printed. For the emulator's tests and the gateway's (the
 * emulator's test-jar).
 */
public final class ManagedIdentityProcess {

    private ManagedIdentityProcess() {
    }

    /**
     * @param jvmOptions options before the main class (e.g. a trust store)
     * @param args       the probe's arguments
     */
    public static Map<String, String> run(EmulatorCoordinates hub, Class<?> probe, List<String> jvmOptions, List<String> args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        command.addAll(jvmOptions);
        command.add(probe.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("AZURE_") || name.startsWith("IDENTITY_")
                || name.startsWith("MSI_"));
        builder.environment().put("IDENTITY_ENDPOINT", hub.entra().managedIdentityEndpoint());
        builder.environment().put("IDENTITY_HEADER", hub.entra().identityHeader());
        Process process = builder.start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(text).isTrue();
        assertThat(process.exitValue()).as(text).isZero();
        Map<String, String> values = new LinkedHashMap<>();
        text.lines().filter(line -> line.matches("[a-zA-Z.]+=.*"))
                .forEach(line -> values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
        return values;
    }
}
