package io.hubgate.server.observability;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.server.support.ShutdownChildGateway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.ListenableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access log is written by a background thread (log4j2.xml's Async appender): a real gateway
 * process, stopped with SIGTERM right after its last answer, has written the access line of every
 * call it answered before it exits, in both log formats. Lines still queued at the stop are the
 * ones an asynchronous log could lose; Main's shutdown hook stops logging last, which drains them.
 */
class AccessLogShutdownTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int CALLS = 400;
    private static final int IN_FLIGHT = 32;

    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void stopRightAfterCalls_everyAnsweredCallsLineIsWrittenBeforeExit(String format, @TempDir Path dir) throws Exception {
        String output;
        List<String> ids = new ArrayList<>();
        try (ShutdownChildGateway gateway = ShutdownChildGateway.start(Map.of("HUBGATE_LOG_FORMAT", format,
                "HUBGATE_INSECURE_NO_AUTH", "true", "HUBGATE_SHUTDOWN_GRACE", "1s"), dir.resolve("gateway.log"), PATIENCE)) {
            RegistryServiceGrpc.RegistryServiceFutureStub registry = RegistryServiceGrpc.newFutureStub(gateway.channel());
            // Bursts of calls in flight, so that lines pile up in the queue; the process is stopped
            // the moment the last burst is answered.
            for (int start = 0; start < CALLS; start += IN_FLIGHT) {
                List<ListenableFuture<?>> burst = new ArrayList<>();
                for (int i = start; i < Math.min(CALLS, start + IN_FLIGHT); i++) {
                    String id = "shutdown-" + format + "-" + i;
                    ids.add(id);
                    burst.add(registry.withInterceptors(requestId(id)).withDeadlineAfter(30, TimeUnit.SECONDS)
                            .getDevice(GetDeviceRequest.newBuilder().setDeviceId("nobody-" + i).build()));
                }
                for (ListenableFuture<?> call : burst) {
                    assertNotFound(call);
                }
            }
            gateway.process().destroy();
            assertThat(gateway.process().waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            output = gateway.output();
        }

        assertThat(output).contains("hubgate stopped");
        List<String> lines = output.lines().toList();
        for (String id : ids) {
            // text: "... hubgate.access - <id> <caller> <method> NOT_FOUND ..."; json: "requestId":"<id>"
            String mark = format.equals("text") ? "hubgate.access - " + id + " " : "\"requestId\":\"" + id + "\"";
            assertThat(lines.stream().filter(line -> line.contains(mark)).count())
                    .as("access lines of " + id + " (of " + CALLS + " calls answered before the stop)").isEqualTo(1);
        }
    }

    private static void assertNotFound(ListenableFuture<?> call) throws InterruptedException {
        try {
            call.get();
            throw new AssertionError("a device nobody created was found");
        } catch (ExecutionException failed) {
            assertThat(Status.fromThrowable(failed.getCause()).getCode()).as(String.valueOf(failed.getCause()))
                    .isEqualTo(Status.Code.NOT_FOUND);
            assertThat(failed.getCause()).isInstanceOf(StatusRuntimeException.class);
        }
    }

    private static io.grpc.ClientInterceptor requestId(String id) {
        Metadata headers = new Metadata();
        headers.put(RequestIdInterceptor.HEADER, id);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }
}
