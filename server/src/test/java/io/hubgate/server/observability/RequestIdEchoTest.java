package io.hubgate.server.observability;

import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.server.support.RawCalls;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request id reaches the caller on every call, failed ones included: a call answered with
 * response headers carries it there, a call that fails before any header (trailers only: the
 * usual shape of a failed unary call) carries it in its trailers. Read by a real gRPC client.
 */
class RequestIdEchoTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    /** What one call's answer carried in its headers and its trailers. */
    private record Seen(Metadata headers, Metadata trailers) {
        String headerId() {
            return headers == null ? null : headers.get(RequestIdInterceptor.HEADER);
        }

        String trailerId() {
            return trailers == null ? null : trailers.get(RequestIdInterceptor.HEADER);
        }
    }

    private static final class Capture {
        final AtomicReference<Metadata> headers = new AtomicReference<>();
        final AtomicReference<Metadata> trailers = new AtomicReference<>();

        ClientInterceptor interceptor() {
            return MetadataUtils.newCaptureMetadataInterceptor(headers, trailers);
        }

        Seen seen() {
            return new Seen(headers.get(), trailers.get());
        }
    }

    private static Channel caller(Capture capture, String requestId) {
        ClientInterceptor token = TestGateway.bearer(gateway.callerToken(TestGateway.TEST_CALLER, TestGateway.ALL_ROLES));
        return gateway.channelWith(capture.interceptor(), token, TestGateway.header("x-request-id", requestId));
    }

    @Test
    void aFailedCall_carriesTheCallersRequestId_inItsTrailers() {
        Capture capture = new Capture();
        StatusRuntimeException failure = Statuses.failureOf(() -> TwinServiceGrpc.newBlockingStub(caller(capture, "myid-1"))
                .getTwin(GetTwinRequest.newBuilder().setDeviceId("no-such-device-" + System.nanoTime()).build()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(capture.seen().trailerId()).isEqualTo("myid-1");
    }

    @Test
    void anInvalidRequest_carriesTheRequestId_inItsTrailers() {
        Capture capture = new Capture();
        StatusRuntimeException failure = Statuses.failureOf(() -> TwinServiceGrpc.newBlockingStub(caller(capture, "myid-2"))
                .getTwin(GetTwinRequest.newBuilder().setDeviceId("").build()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(capture.seen().trailerId()).isEqualTo("myid-2");
    }

    @Test
    void aCallRefusedForItsCredential_carriesAGeneratedRequestId_inItsTrailers() {
        Capture capture = new Capture();
        StatusRuntimeException failure = Statuses.failureOf(() -> RegistryServiceGrpc.newBlockingStub(
                        gateway.channelWith(capture.interceptor(), TestGateway.header("x-request-id", "bad id with spaces")))
                .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(capture.seen().trailerId()).as("a gateway-made id, not the unusable one offered")
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void aMalformedRequest_carriesTheRequestId_inItsTrailers() {
        Capture capture = new Capture();
        RawCalls.Outcome outcome = RawCalls.call(caller(capture, "myid-3"),
                "hubgate.v1.RegistryService/GetDevice", new byte[] {0x18, (byte) 0x80});

        assertThat(outcome.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(capture.seen().trailerId()).isEqualTo("myid-3");
    }

    @Test
    void aSuccessfulCall_carriesTheRequestId_inItsHeaders_once() {
        Capture capture = new Capture();
        RegistryServiceGrpc.newBlockingStub(caller(capture, "myid-4"))
                .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance());

        assertThat(capture.seen().headerId()).isEqualTo("myid-4");
        assertThat(capture.seen().trailerId()).as("not repeated in the trailers").isNull();
    }
}
