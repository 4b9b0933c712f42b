package io.hubgate.bench;

import io.hubgate.server.Main;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the bench starts a gateway JVM: either {@code java <jvmArgs> -cp <the bench's class path>
 * GatewayChild} (the default), or through the distribution's launcher script ({@code
 * server/target/hubgate/bin/hubgate}, its JVM defaults included), with {@code jvmArgs} in
 * {@code JAVA_OPTS} after those defaults. The launcher runs {@link Main} directly, without
 * {@link GatewayChild}'s watch on the bench: if the bench is killed with SIGKILL, such a gateway
 * outlives it (the bench's shutdown hook stops it on any other exit).
 *
 * @param jvmArgs   JVM options, e.g. -Xmx256m
 * @param launcher  the launcher script, or null for the bench's own class path
 * @param accessLog keep the gateway's per-call access log; off, it is set to WARN
 */
record GatewayLaunch(List<String> jvmArgs, Path launcher, boolean accessLog) {

    GatewayLaunch {
        jvmArgs = List.copyOf(jvmArgs);
        if (launcher != null && !Files.isExecutable(launcher)) {
            throw new IllegalArgumentException("--launcher " + launcher + " is not an executable file: build it with "
                    + "mvn -pl server -am package -DskipTests");
        }
    }

    GatewayLaunch withoutAccessLog() {
        return new GatewayLaunch(jvmArgs, launcher, false);
    }

    /** The JVM options this launch adds: the caller's, and the access log's level. */
    private List<String> options() {
        List<String> options = new ArrayList<>(jvmArgs);
        if (!accessLog) {
            options.add("-D" + GatewayBenchmark.ACCESS_LOG_LEVEL_PROPERTY + "=warn");
        }
        return options;
    }

    /** The command that starts a gateway with {@code gatewayArgs}. */
    List<String> command(List<String> gatewayArgs) {
        List<String> command = new ArrayList<>();
        if (launcher != null) {
            command.add(launcher.toAbsolutePath().toString());
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(options());
            command.addAll(List.of("-cp", ChildClasspath.containing(Main.class, GatewayChild.class), GatewayChild.class.getName()));
        }
        command.addAll(gatewayArgs);
        return command;
    }

    /** Puts the options in JAVA_OPTS for the launcher (the bench's own JVM runs the launcher's java). */
    void environment(Map<String, String> environment) {
        if (launcher != null) {
            environment.put("JAVA_OPTS", String.join(" ", options()));
            environment.put("JAVA_HOME", System.getProperty("java.home"));
        }
    }

    /** For the report: which JVM flags the gateway ran with. */
    String describe() {
        String flags = jvmArgs.isEmpty() ? "" : " + " + String.join(" ", jvmArgs);
        return launcher != null ? "launcher " + launcher + " (its JVM defaults" + flags + ")"
                : jvmArgs.isEmpty() ? "default JVM flags" : "JVM flags " + String.join(" ", jvmArgs);
    }
}
