package io.hubgate.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.StreamQueryTwinsRequest;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.server.support.AccessLogCapture;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * A call refused by authentication or authorization is a client's mistake: it ends with its
 * status, makes one access-log line, and leaves no trace of an error in the gateway — no SEVERE
 * record and no stack trace from grpc-java (which logs one when an interceptor hands it no
 * listener for a call it has already closed), unary and streaming alike.
 */
class RefusedCallLoggingTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private record Refusal(String name, Channel channel, Status.Code code) {
    }

    @Test
    void refusedCalls_endWithTheirStatus_andLogNoErrorAndNoStackTrace() {
        List<Refusal> refusals = List.of(
                new Refusal("no credential", gateway.channelWith(), Status.Code.UNAUTHENTICATED),
                new Refusal("an invalid token", gateway.channelWith(TestGateway.bearer("not.a.token")), Status.Code.UNAUTHENTICATED),
                new Refusal("a caller without the role", gateway.channelWith(TestGateway.bearer(
                        gateway.callerToken("no-roles", Set.of()))), Status.Code.PERMISSION_DENIED));
        List<Function<Channel, Object>> calls = List.of(
                channel -> RegistryServiceGrpc.newBlockingStub(channel)
                        .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()),
                channel -> TwinServiceGrpc.newBlockingStub(channel)
                        .streamQueryTwins(StreamQueryTwinsRequest.newBuilder().setQuery("SELECT * FROM devices").build()).hasNext());
        try (AccessLogCapture log = AccessLogCapture.start(true)) {
            for (Refusal refusal : refusals) {
                for (Function<Channel, Object> call : calls) {
                    StatusRuntimeException failure = Statuses.failureOf(() -> call.apply(refusal.channel()));
                    assertThat(failure.getStatus().getCode()).as(refusal.name()).isEqualTo(refusal.code());
                }
            }
            // A call after the refusals, logged once it closed: what the refusals logged is in by then.
            String marker = "after-refusals-" + UUID.randomUUID();
            Statuses.failureOf(() -> RegistryServiceGrpc.newBlockingStub(gateway.channel())
                    .getDevice(io.hubgate.api.v1.GetDeviceRequest.newBuilder().setDeviceId(marker).build()));
            log.awaitAccessLine(line -> line.contains("GetDevice NOT_FOUND"), Duration.ofSeconds(10));

            assertThat(log.accessLines().stream().filter(line -> line.contains(" UNAUTHENTICATED ")
                    || line.contains(" PERMISSION_DENIED "))).as("one access line per refused call").hasSize(6);
            assertThat(log.lines()).as("the gateway's log after refused calls")
                    .noneMatch(line -> line.contains("SEVERE") || line.contains("\tat "));
        }
    }
}
