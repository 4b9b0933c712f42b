package io.hubgate.server.observability;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.WatchJobRequest;
import io.hubgate.server.support.AccessLogCapture;
import io.hubgate.server.support.Statuses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler that finishes just after its call's deadline passed, before gRPC has told the call
 * it was cancelled (WatchJob's poller can see the job end at that moment), closes the call OK;
 * gRPC drops that OK and the client gets DEADLINE_EXCEEDED, which is what the access log must
 * say. The race is made certain here: the handler holds the call's serial executor until the
 * deadline has passed, so the cancellation cannot be delivered before it closes. (The same
 * outcome through the real gateway is in JobServiceTest.)
 */
class AccessLogLateCloseTest {

    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void aCallClosedOkAfterItsDeadlinePassed_isLoggedAsDeadlineExceeded() throws Exception {
        JobServiceGrpc.JobServiceImplBase late = new JobServiceGrpc.JobServiceImplBase() {
            @Override
            public void watchJob(WatchJobRequest request, StreamObserver<Job> observer) {
                Context call = Context.current();
                await().atMost(Duration.ofSeconds(10)).until(call::isCancelled);
                observer.onCompleted();
            }
        };
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addStreamTracerFactory(new StreamOutcome())
                .addService(ServerInterceptors.intercept(late, new AccessLogInterceptor())).build().start();
        channel = InProcessChannelBuilder.forName(name).build();

        try (AccessLogCapture log = AccessLogCapture.start(true)) {
            Status status = Statuses.failureOf(() -> JobServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                    .watchJob(WatchJobRequest.newBuilder().setJobId("late").build()).hasNext()).getStatus();

            assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(log.awaitAccessLine(l -> l.contains("WatchJob"), Duration.ofSeconds(10)))
                    .contains("DEADLINE_EXCEEDED").doesNotContain(" OK ");
        }
    }
}
