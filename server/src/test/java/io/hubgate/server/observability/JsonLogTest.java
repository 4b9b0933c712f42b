package io.hubgate.server.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.hubgate.server.support.ShutdownChildGateway;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code HUBGATE_LOG_FORMAT=json}: a real gateway process whose whole output (stdout and stderr)
 * is read back line by line, each line a JSON object; the access log's fields are named and typed,
 * and a traced call's line carries its trace id.
 */
class JsonLogTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonFormat_everyLineIsAnObject_andAccessLogHasNamedFields(@TempDir Path dir) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        String traceId = "5b8efff798038103d269b633813fc60c";
        try (OtlpReceiver receiver = new OtlpReceiver();
             ShutdownChildGateway gateway = ShutdownChildGateway.start(Map.of("HUBGATE_LOG_FORMAT", "json",
                "HUBGATE_INSECURE_NO_AUTH", "true", "HUBGATE_SHUTDOWN_GRACE", "1s",
                "HUBGATE_OTLP_ENDPOINT", receiver.endpoint().toString()), dir.resolve("gateway.log"), PATIENCE)) {
            RegistryServiceGrpc.RegistryServiceBlockingStub registry = RegistryServiceGrpc.newBlockingStub(gateway.channel())
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
            Metadata traced = new Metadata();
            traced.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), "00-" + traceId + "-eee19b7ec3c1b174-01");
            registry.withInterceptors(requestId("json-log-create"), MetadataUtils.newAttachHeadersInterceptor(traced))
                    .createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId("json-log-device")).build());
            assertThatThrownBy(() -> registry.withInterceptors(requestId("json-log-missing"))
                    .getDevice(GetDeviceRequest.newBuilder().setDeviceId("json-log-nobody").build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

            gateway.process().destroy();
            assertThat(gateway.process().waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            for (String line : gateway.output().split("\n")) {
                JsonNode parsed = JSON.readTree(line); // throws on any line that is not JSON
                assertThat(parsed.isObject()).as(line).isTrue();
                assertThat(parsed.path("time").asText()).as(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
                assertThat(parsed.path("level").asText()).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");
                assertThat(parsed.path("logger").asText()).as(line).isNotEmpty();
                lines.add(parsed);
            }
        }

        assertThat(lines).anySatisfy(line -> assertThat(line.path("message").asText()).startsWith("hubgate serving gRPC on"));
        assertThat(lines).anySatisfy(line -> assertThat(line.path("message").asText()).isEqualTo("hubgate stopped"));
        JsonNode created = accessLine(lines, "json-log-create");
        assertThat(created.path("logger").asText()).isEqualTo("hubgate.access");
        assertThat(created.path("method").asText()).isEqualTo("hubgate.v1.RegistryService/CreateDevice");
        assertThat(created.path("status").asText()).isEqualTo("OK");
        assertThat(created.path("caller").asText()).isNotEmpty();
        assertThat(created.path("durationMs").isNumber()).as(created.toString()).isTrue();
        assertThat(created.path("durationMs").asDouble()).isPositive();
        assertThat(created.has("statusMessage")).isFalse();
        assertThat(created.path("traceId").asText()).as("the caller's trace, continued").isEqualTo(traceId);
        JsonNode missing = accessLine(lines, "json-log-missing");
        assertThat(missing.path("method").asText()).isEqualTo("hubgate.v1.RegistryService/GetDevice");
        assertThat(missing.path("status").asText()).isEqualTo("NOT_FOUND");
        assertThat(missing.path("statusMessage").asText()).isNotEmpty();
    }

    private static JsonNode accessLine(List<JsonNode> lines, String requestId) {
        List<JsonNode> matching = lines.stream().filter(line -> requestId.equals(line.path("requestId").asText())).toList();
        assertThat(matching).as("access log lines of request " + requestId).hasSize(1);
        return matching.get(0);
    }

    private static io.grpc.ClientInterceptor requestId(String id) {
        Metadata headers = new Metadata();
        headers.put(RequestIdInterceptor.HEADER, id);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }
}
