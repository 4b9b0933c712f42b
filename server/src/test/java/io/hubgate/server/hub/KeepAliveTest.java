package io.hubgate.server.hub;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 20 s keep-alive of java.net.http is read once, when the JDK's connection pool class loads
 * (the first {@code java.net.http.HttpClient} of the JVM): it must be set before anything can build
 * one, including the Entra credential the gateway builds before its controlled path. Shown in a
 * fresh JVM with class-load logging, as the test JVM has long loaded the pool.
 */
class KeepAliveTest {

    private static final String POOL = "jdk.internal.net.http.ConnectionPool ";

    private static List<String> probe(String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xlog:class+load=info:stdout", "-cp",
                System.getProperty("java.class.path"), KeepAliveProbe.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the probe JVM ended").isTrue();
        return new String(output, StandardCharsets.UTF_8).lines().toList();
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void theGatewaysFirstStep_setsTheKeepAlive_beforeTheCredentialIsBuilt() throws Exception {
        List<String> lines = probe("load-gateway");

        assertThat(lines).contains("keepalive-before-credential=20", "probe-done");
        int pool = indexOf(lines, POOL);
        if (pool >= 0) {
            assertThat(pool).as("the JDK's pool loads after the property is set")
                    .isGreaterThan(indexOf(lines, "keepalive-before-credential=20"));
        }
    }
}
