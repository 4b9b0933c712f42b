package io.hubgate.emulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A start that cannot succeed (a port or data directory another emulator holds, a corrupt file)
 * changes nothing a running emulator's clients rely on, and says what is wrong in one line.
 */
class EmulatorStartFailureTest {

    @TempDir
    Path dir;

    /** Runs the standalone command; returns its exit code and what it printed on stderr. */
    private record Run(int exitCode, String err) {
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        int exit = EmulatorMain.commandLine().setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, err.toString());
    }

    @Test
    void secondEmulatorOnATakenPort_leavesTheRunningOnesCertificateInPlace() throws Exception {
        Path certOut = dir.resolve("shared/emulator-cert.pem");
        Path trustStore = certOut.resolveSibling(IotHubEmulator.TRUST_STORE_FILE);
        try (IotHubEmulator running = IotHubEmulator.builder().port(0).certificateOutput(certOut).build().start()) {
            int port = running.coordinates().port();
            byte[] pem = Files.readAllBytes(certOut);
            byte[] store = Files.readAllBytes(trustStore);

            IotHubEmulator second = IotHubEmulator.builder().port(port).certificateOutput(certOut).build();
            assertThatThrownBy(second::start).isInstanceOf(EmulatorStartException.class)
                    .hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("already in use");

            assertThat(Files.readAllBytes(certOut)).isEqualTo(pem);
            assertThat(Files.readAllBytes(trustStore)).isEqualTo(store);
            // What a client does with the documented file: trust it, and reach the running emulator.
            assertThat(statusTrusting(certOut, running.coordinates())).isEqualTo(401);
        }
    }

    @Test
    void portInUse_isOneLineNamingThePortAndTheFlag_exitCode1() throws Exception {
        try (IotHubEmulator running = IotHubEmulator.builder().port(0).build().start()) {
            int port = running.coordinates().port();

            Run run = run("--port", String.valueOf(port), "--cert-out", dir.resolve("b/emulator-cert.pem").toString());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip()).doesNotContain("\n").startsWith("hubgate-emulator: cannot listen on 127.0.0.1:" + port)
                    .contains("--port");
            assertThat(dir.resolve("b/emulator-cert.pem")).doesNotExist();
        }
    }

    @Test
    void dataDirectoryInUse_isOneLineNamingTheDirectory_exitCode1() throws Exception {
        Path data = dir.resolve("data");
        try (IotHubEmulator running = IotHubEmulator.builder().port(0).dataDirectory(data).build().start()) {
            Run run = run("--port", "0", "--data-dir", data.toString());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip()).doesNotContain("\n").startsWith("hubgate-emulator: ")
                    .contains(data.toString()).contains("in use").contains("--data-dir");
        }
    }

    @Test
    void corruptJobSnapshot_isOneLineNamingTheFile_exitCode1() throws Exception {
        Path data = dir.resolve("data");
        IotHubEmulator.builder().port(0).dataDirectory(data).build().start().close();
        Files.writeString(data.resolve("jobs.json"), "{\"formatVersion\n");

        Run run = run("--port", "0", "--data-dir", data.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).doesNotContain("\n").startsWith("hubgate-emulator: ")
                .contains(data.resolve("jobs.json").toString());
    }

    @Test
    void portOutOfRange_isOneLineNamingTheFlag() {
        Run run = run("--port", "99999");

        assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err().lines().findFirst()).hasValue("--port must be 0 to 65535, not 99999");
        assertThat(run.err()).doesNotContain("Exception");
    }

    /** The HTTP status of an unauthenticated request to the emulator, trusting only the PEM file. */
    private static int statusTrusting(Path pem, EmulatorCoordinates at) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("emulator", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(at.baseUrl() + "/statistics/devices?api-version=2021-04-12"))
                .timeout(Duration.ofSeconds(10)).build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
