package io.hubgate.server.observability;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.server.Gateway;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.config.OperationsSettings;
import io.hubgate.server.support.TestGateway;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * --otlp-endpoint: a real gateway exports its spans with OTLP/HTTP to a real receiver in the test;
 * the caller's W3C traceparent is continued into the server span of its call, and each upstream
 * request to IoT Hub is a client span beneath it with its attempt number and the hub's tracking id.
 */
class TracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN_ID = "00f067aa0ba902b7";

    @Test
    void callersTraceparent_isContinuedIntoAServerSpan_exportedWithOtlp() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            Gateway started = Gateway.start(GatewayConfig.localDevelopment(0), new OperationsSettings(null, null, receiver.endpoint()));
            try (TestGateway gateway = TestGateway.of(started)) {
                RegistryServiceGrpc.RegistryServiceBlockingStub traced = gateway.registry().withInterceptors(
                        TestGateway.header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01"));
                assertThatThrownBy(() -> traced.withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getDevice(GetDeviceRequest.newBuilder().setDeviceId("traced-nobody").build()))
                        .isInstanceOf(StatusRuntimeException.class);
                gateway.registry().getRegistryStatistics(io.hubgate.api.v1.GetRegistryStatisticsRequest.getDefaultInstance());
            } // closing the gateway flushes its spans to the receiver

            List<OtlpReceiver.Received> spans = receiver.spans();
            assertThat(receiver.contentTypes()).isNotEmpty().allMatch(type -> type.startsWith("application/x-protobuf"));
            OtlpReceiver.Received continued = only(spans, span -> span.getName().equals("hubgate.v1.RegistryService/GetDevice"));
            Span server = continued.span();
            assertThat(hex(server.getTraceId())).isEqualTo(TRACE_ID);
            assertThat(hex(server.getParentSpanId())).isEqualTo(CALLER_SPAN_ID);
            assertThat(server.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
            assertThat(attributes(server.getAttributesList())).containsEntry("rpc.system", "grpc")
                    .containsEntry("rpc.service", "hubgate.v1.RegistryService").containsEntry("rpc.method", "GetDevice")
                    .containsEntry("rpc.grpc.status_code", "5");
            // NOT_FOUND is the caller's outcome, not a server fault.
            assertThat(server.getStatus().getCode()).isNotEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
            assertThat(attributes(continued.resource().getResource().getAttributesList()))
                    .containsEntry("service.name", "hubgate").containsKey("service.instance.id");

            Span fresh = only(spans, span -> span.getName().equals("hubgate.v1.RegistryService/GetRegistryStatistics")).span();
            assertThat(hex(fresh.getTraceId())).isNotEqualTo(TRACE_ID).isNotEqualTo("0".repeat(32));
            assertThat(fresh.getParentSpanId().isEmpty()).as("a call without traceparent starts a trace").isTrue();
            assertThat(spans).noneMatch(span -> span.span().getName().startsWith("grpc.health"));
        }
    }

    @Test
    void upstreamRequests_areClientSpansOfTheCallersTrace_withAttemptNumberAndTheHubsTrackingId() throws Exception {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            Gateway started = Gateway.start(GatewayConfig.localDevelopment(0), new OperationsSettings(null, null, receiver.endpoint()));
            String deviceId = TestGateway.uniqueId("traced-secret-id");
            try (TestGateway gateway = TestGateway.of(started)) {
                gateway.registry().createDevice(io.hubgate.api.v1.CreateDeviceRequest.newBuilder()
                        .setDevice(io.hubgate.api.v1.Device.newBuilder().setDeviceId(deviceId)).build());
                // IoT Hub throttles the read once: attempt 1 is refused, attempt 2 answers.
                gateway.hub().faults().add(new io.hubgate.emulator.faults.FaultSpec(io.hubgate.emulator.http.OperationClass.REGISTRY,
                        io.hubgate.emulator.faults.FaultKind.THROTTLE, 0, io.hubgate.emulator.http.HubErrorCode.THROTTLING_EXCEPTION,
                        1, null, null, 1));
                gateway.registry().withInterceptors(TestGateway.header("traceparent", "00-" + traceId + "-" + CALLER_SPAN_ID + "-01"))
                        .withDeadlineAfter(30, TimeUnit.SECONDS).getDevice(GetDeviceRequest.newBuilder().setDeviceId(deviceId).build());
                // Registry statistics stay on the SDK (twins moved to the controlled path).
                gateway.registry().withInterceptors(TestGateway.header("traceparent", "00-" + traceId + "-" + CALLER_SPAN_ID + "-01"))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getRegistryStatistics(io.hubgate.api.v1.GetRegistryStatisticsRequest.getDefaultInstance());
            }

            List<OtlpReceiver.Received> spans = receiver.spans();
            Span getDevice = only(spans, span -> span.getName().equals("hubgate.v1.RegistryService/GetDevice")).span();
            assertThat(hex(getDevice.getTraceId())).isEqualTo(traceId);
            List<Span> requests = spans.stream().map(OtlpReceiver.Received::span)
                    .filter(span -> span.getName().equals("GET /devices/{id}") && span.getParentSpanId().equals(getDevice.getSpanId()))
                    .sorted(java.util.Comparator.comparing(span -> attributes(span.getAttributesList()).get("hubgate.upstream.attempt")))
                    .toList();
            assertThat(requests).as("the read's two attempts, children of its server span").hasSize(2);
            Map<String, String> throttled = attributes(requests.get(0).getAttributesList());
            assertThat(requests.get(0).getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
            assertThat(hex(requests.get(0).getTraceId())).isEqualTo(traceId);
            assertThat(throttled).containsEntry("hubgate.upstream.attempt", "1").containsEntry("hubgate.upstream.path", "controlled")
                    .containsEntry("hubgate.operation", "GetDevice").containsEntry("http.request.method", "GET")
                    .containsEntry("url.template", "/devices/{id}").containsEntry("http.response.status_code", "429")
                    .containsKey("iothub.tracking_id");
            assertThat(throttled.get("iothub.tracking_id")).isNotBlank();
            assertThat(requests.get(0).getStatus().getCode()).isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
            assertThat(attributes(requests.get(1).getAttributesList())).containsEntry("hubgate.upstream.attempt", "2")
                    .containsEntry("http.response.status_code", "200");

            Span statistics = only(spans, span -> span.getName().equals("hubgate.v1.RegistryService/GetRegistryStatistics")).span();
            Span sdkAttempt = only(spans, span -> span.getName().equals("IoT Hub SDK GetRegistryStatistics")).span();
            assertThat(hex(sdkAttempt.getTraceId())).isEqualTo(traceId);
            assertThat(sdkAttempt.getParentSpanId()).isEqualTo(statistics.getSpanId());
            assertThat(sdkAttempt.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
            assertThat(attributes(sdkAttempt.getAttributesList())).containsEntry("hubgate.upstream.attempt", "1")
                    .containsEntry("hubgate.upstream.path", "sdk");
            assertThat(spans).allSatisfy(span -> assertThat(span.span().toString()).doesNotContain(deviceId));
        }
    }

    private static OtlpReceiver.Received only(List<OtlpReceiver.Received> spans, Predicate<Span> which) {
        List<OtlpReceiver.Received> found = spans.stream().filter(received -> which.test(received.span())).toList();
        assertThat(found).as("spans received: " + spans.stream().map(r -> r.span().getName()).toList()).hasSize(1);
        return found.get(0);
    }

    private static Map<String, String> attributes(List<KeyValue> attributes) {
        return attributes.stream().collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().hasIntValue()
                ? Long.toString(kv.getValue().getIntValue()) : kv.getValue().hasBoolValue()
                ? Boolean.toString(kv.getValue().getBoolValue()) : kv.getValue().getStringValue()));
    }

    private static String hex(ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }
}
