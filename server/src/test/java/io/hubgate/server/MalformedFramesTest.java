package io.hubgate.server;

import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.hubgate.server.support.AccessLogCapture;
import io.hubgate.server.support.RawCalls.Wire;
import io.hubgate.server.support.RawHttp2;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Raw HTTP/2 frames no gRPC client sends, against a real gateway. A broken message body is the
 * gateway's to answer (INVALID_ARGUMENT, as through a gRPC client); a broken gRPC frame — reserved
 * flag bits, a compressed flag without {@code grpc-encoding}, a stream that ends mid-message — is
 * answered by grpc-java's transport before any message reaches the gateway, with the INTERNAL the
 * gRPC status-code guide gives for a protocol violation. Either way: one access-log line, and the
 * gateway keeps serving.
 */
class MalformedFramesTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static String token;

    @BeforeAll
    static void prepare() {
        token = gateway.callerToken(TestGateway.TEST_CALLER, TestGateway.ALL_ROLES);
    }

    private static final byte[] GET_DEVICE = new Wire().string(1, "dev").toBytes();

    private record Sent(RawHttp2.Answer answer, String logLine) {
    }

    private static Sent send(byte[] data) throws Exception {
        String id = "frame-" + UUID.randomUUID();
        try (AccessLogCapture log = AccessLogCapture.start(true); RawHttp2 http2 = new RawHttp2(gateway.port())) {
            RawHttp2.Answer answer = http2.post("hubgate.v1.RegistryService/GetDevice",
                    Map.of("authorization", "Bearer " + token, "x-request-id", id), data);
            String line = log.awaitAccessLine(l -> l.startsWith(id), Duration.ofSeconds(10));
            assertThat(log.lines()).noneMatch(l -> l.contains("SEVERE") || l.contains("Exception in thread"));
            assertThat(HealthGrpc.newBlockingStub(gateway.channel()).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            return new Sent(answer, line);
        }
    }

    @Test
    void aWellFramedValidRequest_isAnswered() throws Exception {
        Sent sent = send(RawHttp2.frame(0, GET_DEVICE.length, GET_DEVICE));
        assertThat(sent.answer().grpcStatus()).isEqualTo(Status.Code.NOT_FOUND.value());
        assertThat(sent.logLine()).contains("NOT_FOUND");
    }

    @Test
    void aWellFramedGarbageMessage_isInvalidArgument() throws Exception {
        byte[] garbage = {0x18, (byte) 0x80};
        Sent sent = send(RawHttp2.frame(0, garbage.length, garbage));
        assertThat(sent.answer().grpcStatus()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(sent.logLine()).contains("INVALID_ARGUMENT");
    }

    @Test
    void reservedFlagBits_areTheTransportsInternal_andLogged() throws Exception {
        Sent sent = send(RawHttp2.frame(0x02, GET_DEVICE.length, GET_DEVICE));
        assertThat(sent.answer().grpcStatus()).isEqualTo(Status.Code.INTERNAL.value());
        assertThat(sent.answer().grpcMessage()).contains("reserved bits");
        assertThat(sent.logLine()).contains("INTERNAL");
    }

    @Test
    void aCompressedFlagWithoutEncoding_isTheTransportsInternal_andLogged() throws Exception {
        Sent sent = send(RawHttp2.frame(0x01, GET_DEVICE.length, GET_DEVICE));
        assertThat(sent.answer().grpcStatus()).isEqualTo(Status.Code.INTERNAL.value());
        assertThat(sent.logLine()).contains("INTERNAL");
    }

    @Test
    void aStreamEndingMidMessage_isTheTransportsInternal_andLogged() throws Exception {
        Sent sent = send(RawHttp2.frame(0, 100, GET_DEVICE));
        assertThat(sent.answer().grpcStatus()).isEqualTo(Status.Code.INTERNAL.value());
        assertThat(sent.logLine()).contains("INTERNAL");
    }

    @Test
    void aDeclaredLengthBeyondTheLimit_isResourceExhausted() throws Exception {
        Sent sent = send(RawHttp2.frame(0, 64 * 1024 * 1024, GET_DEVICE));
        assertThat(sent.answer().grpcStatus()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
        assertThat(sent.logLine()).contains("RESOURCE_EXHAUSTED");
    }
}
