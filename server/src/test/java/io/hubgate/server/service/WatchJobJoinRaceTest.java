package io.hubgate.server.service;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.grpc.stub.ServerCallStreamObserver;
import io.hubgate.api.v1.CancelJobRequest;
import io.hubgate.api.v1.CreateJobRequest;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.JobState;
import io.hubgate.api.v1.TwinUpdate;
import io.hubgate.server.hub.UpstreamCalls;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WatchJob that joins a poller just as the poll that sees the job end is delivered, while its
 * own stream is not ready yet, still ends with that final state. The interleaving is made
 * deterministic: the joining stream's {@code setOnCancelHandler} (called by {@code watch} after it
 * joined) cancels the job and waits until the poller has offered the final state to it.
 */
class WatchJobJoinRaceTest {

    private static final Duration POLL = Duration.ofMillis(50);
    private static TestGateway gateway;
    private static UpstreamCalls calls;
    private static JobWatchers watchers;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
        calls = new UpstreamCalls(gateway.gateway().hub().clients(), 4, 4, Duration.ofSeconds(30));
        watchers = new JobWatchers(calls, POLL);
    }

    @AfterAll
    static void stop() throws Exception {
        watchers.close();
        calls.close();
        gateway.close();
    }

    /** A server stream the test drives: readiness, what was sent, and a hook run when the cancel handler is set. */
    private static final class Stream extends ServerCallStreamObserver<Job> {
        final List<Job> sent = new CopyOnWriteArrayList<>();
        final CountDownLatch completed = new CountDownLatch(1);
        final CountDownLatch askedIfReady = new CountDownLatch(1);
        volatile boolean ready;
        volatile Runnable onReady;
        volatile Runnable whenCancelHandlerSet = () -> { };

        @Override
        public boolean isReady() {
            askedIfReady.countDown();
            return ready;
        }

        @Override
        public void setOnReadyHandler(Runnable handler) {
            onReady = handler;
        }

        @Override
        public void setOnCancelHandler(Runnable handler) {
            whenCancelHandlerSet.run();
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setCompression(String compression) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }

        @Override
        public void request(int count) {
        }

        @Override
        public void setMessageCompression(boolean enable) {
        }

        @Override
        public void onNext(Job job) {
            sent.add(job);
        }

        @Override
        public void onError(Throwable error) {
        }

        @Override
        public void onCompleted() {
            completed.countDown();
        }
    }

    @Test
    void aWatcherJoiningAsTheJobEnds_whileNotReady_getsTheFinalStateAndTheEnd_whenReady() throws Exception {
        JobServiceGrpc.JobServiceBlockingStub jobs = JobServiceGrpc.newBlockingStub(gateway.channel());
        Job scheduled = jobs.createJob(CreateJobRequest.newBuilder().setJob(Job.newBuilder()
                .setQueryCondition("deviceId = 'nobody'")
                .setTwinUpdate(TwinUpdate.newBuilder().setDesired(Struct.newBuilder()
                        .putFields("n", Value.newBuilder().setNumberValue(1).build())))
                .setStartTime(Timestamp.newBuilder().setSeconds(Instant.now().plusSeconds(3600).getEpochSecond()))).build());
        String jobId = scheduled.getJobId();

        Stream first = new Stream();
        first.ready = true;
        watchers.watch(jobId, first);
        await().atMost(Duration.ofSeconds(30)).until(() -> !first.sent.isEmpty());

        Stream joining = new Stream();
        joining.whenCancelHandlerSet = () -> {
            jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(jobId).build());
            try {
                // The poll that sees the cancelled job offers it to this (not ready) stream.
                assertThat(first.completed.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(joining.askedIfReady.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        };
        watchers.watch(jobId, joining);

        joining.ready = true;
        joining.onReady.run();

        assertThat(joining.completed.await(10, TimeUnit.SECONDS)).as("the stream ended").isTrue();
        assertThat(joining.sent).last().extracting(Job::getState).isEqualTo(JobState.JOB_STATE_CANCELLED);
    }
}
