package io.hubgate.server.observability;

import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.server.Gateway;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.config.OperationsSettings;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * --metrics-port: Prometheus text scraped over HTTP from a real gateway, the gRFC A66
 * {@code grpc.server.call.*} series present per method and status, moving with the calls, and no
 * caller-chosen value (a device id) in any label.
 */
class MetricsEndpointTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void metricsPort_servesGrpcServerSeriesThatMoveWithCalls() throws Exception {
        int metricsPort = freePort();
        try (TestGateway gateway = TestGateway.of(Gateway.start(GatewayConfig.localDevelopment(0),
                new OperationsSettings(null, metricsPort, null)))) {
            String deviceId = TestGateway.uniqueId("metrics-secret-id");
            gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(deviceId)).build());
            gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(deviceId).build());
            assertThatThrownBy(() -> gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(deviceId + "-absent").build()))
                    .isInstanceOf(StatusRuntimeException.class);

            String first = scrape(metricsPort);
            assertThat(first).contains("# TYPE grpc_server_call_duration_seconds histogram", "grpc_server_call_started_total",
                    "grpc_server_call_rcvd_total_compressed_message_size_bytes", "grpc_server_call_sent_total_compressed_message_size_bytes");
            assertThat(count(first, "hubgate.v1.RegistryService/CreateDevice", "OK")).isEqualTo(1);
            assertThat(count(first, "hubgate.v1.RegistryService/GetDevice", "OK")).isEqualTo(1);
            assertThat(count(first, "hubgate.v1.RegistryService/GetDevice", "NOT_FOUND")).isEqualTo(1);
            assertThat(first).doesNotContain(deviceId);

            for (int i = 0; i < 3; i++) {
                gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(deviceId).build());
            }
            assertThat(count(scrape(metricsPort), "hubgate.v1.RegistryService/GetDevice", "OK")).isEqualTo(4);
        }
    }

    /** The duration histogram's count for one method and status. */
    private static long count(String metrics, String method, String status) {
        Matcher line = Pattern.compile("(?m)^grpc_server_call_duration_seconds_count\\{([^}]*)} (\\S+)").matcher(metrics);
        long total = 0;
        while (line.find()) {
            if (line.group(1).contains("grpc_method=\"" + method + "\"") && line.group(1).contains("grpc_status=\"" + status + "\"")) {
                total += (long) Double.parseDouble(line.group(2));
            }
        }
        return total;
    }

    static String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        return response.body();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
