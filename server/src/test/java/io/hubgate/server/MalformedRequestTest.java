package io.hubgate.server;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.hubgate.server.support.AccessLogCapture;
import io.hubgate.server.support.RawCalls;
import io.hubgate.server.support.RawCalls.Outcome;
import io.hubgate.server.support.RawCalls.Wire;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request bytes that are not the method's message, from an authenticated caller, through a real
 * gateway: each is answered INVALID_ARGUMENT (reason MALFORMED_REQUEST) with one access-log line
 * and no stack trace, never UNKNOWN, and the gateway keeps serving.
 */
class MalformedRequestTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static Outcome send(String method, byte[]... messages) {
        return RawCalls.call(gateway.channel(), method, messages);
    }

    private static void assertMalformed(Outcome outcome) {
        assertThat(outcome.status().getCode()).as(outcome.status().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        com.google.rpc.Status rich = StatusProto.fromStatusAndTrailers(outcome.status(), RawCalls.trailers(outcome.status()));
        assertThat(rich.getDetailsList()).anySatisfy(any -> {
            assertThat(any.is(ErrorInfo.class)).isTrue();
            ErrorInfo info = any.unpack(ErrorInfo.class);
            assertThat(info.getReason()).isEqualTo("MALFORMED_REQUEST");
            assertThat(info.getDomain()).isEqualTo("hubgate.io");
        });
        assertStillServing();
    }

    private static void assertStillServing() {
        assertThat(HealthGrpc.newBlockingStub(gateway.channel()).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void aTruncatedVarint_isInvalidArgument_notUnknown() {
        assertMalformed(send("hubgate.v1.RegistryService/GetDevice", new byte[] {0x18, (byte) 0x80}));
    }

    @Test
    void aLengthBeyondTheMessage_isInvalidArgument_notUnknown() {
        assertMalformed(send("hubgate.v1.TwinService/GetTwin", new byte[] {0x0A, 0x7F, 0x41}));
    }

    @Test
    void invalidUtf8InAString_isInvalidArgument_notUnknown() {
        assertMalformed(send("hubgate.v1.RegistryService/GetDevice", new byte[] {0x0A, 0x02, (byte) 0xC3, 0x28}));
    }

    @Test
    void aStructNested60Deep_isInvalidArgument_notUnknown() {
        byte[] request = new Wire().string(1, "dev").bytes(3, Wire.nestedStruct(60)).toBytes();
        assertMalformed(send("hubgate.v1.TwinService/UpdateTwin", request));
    }

    @Test
    void aStructNested2000Deep_isInvalidArgument_notUnknown() {
        byte[] request = new Wire().string(1, "dev").bytes(4, Wire.nestedStruct(2000)).toBytes();
        assertMalformed(send("hubgate.v1.TwinService/ReplaceTwin", request));
    }

    @Test
    void garbageToHealthAndReflection_isInvalidArgument_notUnknown() {
        assertMalformed(send("grpc.health.v1.Health/Check", new byte[] {0x0A, 0x05, 0x41}));
        assertMalformed(send("grpc.reflection.v1.ServerReflection/ServerReflectionInfo", new byte[] {(byte) 0xFF, (byte) 0xFF}));
    }

    @Test
    void twoRequestsToAUnaryMethod_isRefused_neitherUnknownNorInternal() {
        // The gateway answers UNIMPLEMENTED when it sees the second message; grpc-java's transport
        // may reset the stream first (the client then sees CANCELLED).
        byte[] request = new Wire().string(1, "dev").toBytes();
        Outcome outcome = send("hubgate.v1.RegistryService/GetDevice", request, request);
        assertThat(outcome.status().getCode()).as(outcome.status().toString())
                .isIn(Status.Code.UNIMPLEMENTED, Status.Code.CANCELLED);
        assertStillServing();
    }

    @Test
    void noRequestToAUnaryMethod_isUnimplemented_asTheStatusGuideSays() {
        Outcome outcome = send("hubgate.v1.RegistryService/GetDevice");
        assertThat(outcome.status().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    }

    @Test
    void aMalformedRequest_writesOneAccessLogLine_andNoStackTrace() {
        String requestId = "malformed-" + UUID.randomUUID();
        try (AccessLogCapture log = AccessLogCapture.start(true)) {
            Outcome outcome = RawCalls.call(gateway.channelWith(TestGateway.bearer(
                            gateway.callerToken(TestGateway.TEST_CALLER, TestGateway.ALL_ROLES)),
                            TestGateway.header("x-request-id", requestId)),
                    "hubgate.v1.RegistryService/GetDevice", new byte[] {0x18, (byte) 0x80});
            assertThat(outcome.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            String line = log.awaitAccessLine(l -> l.startsWith(requestId), Duration.ofSeconds(10));
            assertThat(line).contains("hubgate.v1.RegistryService/GetDevice INVALID_ARGUMENT");
            assertThat(log.lines()).noneMatch(l -> l.contains("\tat ") || l.contains("SEVERE") || l.contains("Exception in thread"));
            assertThat(log.accessLines()).filteredOn(l -> l.startsWith(requestId)).hasSize(1);
        }
    }
}
