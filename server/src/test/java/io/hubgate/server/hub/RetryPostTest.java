package io.hubgate.server.hub;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway keeps HttpURLConnection (under the SDK) from resending a POST whose answer was lost,
 * in a fresh JVM as in production: the JDK reads {@code sun.net.http.retryPost} once, so the test
 * JVM (where other tests may have used HttpURLConnection first) cannot show it.
 */
class RetryPostTest {

    private static String probe(String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                RetryPostProbe.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the probe JVM ended").isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void withoutTheGateway_theJdkResendsAPostWhoseAnswerWasLost() throws Exception {
        assertThat(probe()).contains("requests=2");
    }

    @Test
    void onceTheGatewaysHubConnectionIsLoaded_aPostIsSentOnce() throws Exception {
        assertThat(probe("load-gateway")).contains("requests=1");
    }
}
