package io.hubgate.server.hub;

import com.azure.core.credential.AzureSasCredential;
import io.grpc.StatusRuntimeException;
import io.hubgate.server.errors.ErrorReason;
import io.hubgate.server.hub.rest.HubRest;
import io.hubgate.server.hub.rest.RestTransport;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * TLS to a port that answers plaintext fails before a byte of HTTP is written, and the JDK says
 * so with a plain {@code SSLException}, not an {@code SSLHandshakeException}: such a failure is
 * "TLS with IoT Hub failed", never "the request may have reached the hub".
 */
class TlsToPlaintextTest {

    @Test
    void aWriteOverTlsToAPlaintextPort_isNotALostAnswer_butATlsFailure() throws Exception {
        try (ServerSocket plaintext = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket socket = plaintext.accept(); OutputStream out = socket.getOutputStream()) {
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    socket.getInputStream().read();
                } catch (Exception ignored) {
                    // the client gave up: that is the point
                }
            }, "plaintext-port");
            server.setDaemon(true);
            server.start();
            HubRest rest = HubRest.of(RestTransport.withSas("127.0.0.1:" + plaintext.getLocalPort(),
                    new AzureSasCredential("SharedAccessSignature sr=x&sig=y&se=1"), SSLContext.getDefault()), Duration.ofSeconds(10));

            Throwable failure = catchThrowable(() -> rest.deleteDevice("device-1", "etag"));

            assertThat(failure).isInstanceOf(javax.net.ssl.SSLException.class);
            assertThat(RetryPolicy.outcomeUnknown(failure)).as("not a lost answer").isFalse();
            assertThat(RetryPolicy.shouldRetry(failure, RetryPolicy.Repeatability.NOT_REPEATABLE, 1)).isFalse();
            StatusRuntimeException mapped = HubErrorMapper.map(failure);
            assertThat(ErrorReason.reasonOrCode(mapped)).isEqualTo("UPSTREAM_TLS_FAILED");
        }
    }
}
