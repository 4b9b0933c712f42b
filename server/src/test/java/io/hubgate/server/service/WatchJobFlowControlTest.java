package io.hubgate.server.service;

import com.google.protobuf.Duration;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.CreateJobRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.JobState;
import io.hubgate.api.v1.MethodInvocation;
import io.hubgate.api.v1.WatchJobRequest;
import io.hubgate.emulator.devices.MethodBehaviour;
import io.hubgate.emulator.devices.SimulatedDevices;
import io.hubgate.server.auth.JobAccess;
import io.hubgate.server.hub.UpstreamCalls;
import io.hubgate.server.support.RecordingObserver;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WatchJob's flow control with a reader that stops reading: the gateway keeps only the newest
 * state for it, never a backlog, and hands it over, with the end of the stream, once the reader
 * asks again.
 *
 * <p>The stream runs over grpc-java's in-process transport, where a server stream is ready exactly
 * when its client has asked for a message: so "the reader stopped" is a fact, not a matter of
 * filling socket buffers, and no timing is asserted. The service is the gateway's own
 * JobServiceImpl on the real upstream path (SDK, HTTPS, the embedded emulator running the job);
 * a second, eager watcher of the same job, sharing the one poller, records every state the
 * poller delivered, which is what the slow reader would have been sent with a backlog.
 */
class WatchJobFlowControlTest {

    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(60);
    /** Polls often, so that the job's run shows several states. */
    private static final java.time.Duration POLL = java.time.Duration.ofMillis(100);

    private static TestGateway gateway;
    private static UpstreamCalls calls;
    private static JobWatchers watchers;
    private static Server server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start();
        calls = new UpstreamCalls(gateway.gateway().hub().clients(), 8, 8, java.time.Duration.ofSeconds(30));
        watchers = new JobWatchers(calls, POLL);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(new JobServiceImpl(calls, JobAccess.ANYONE, watchers,
                new PageTokens(new byte[32], () -> "test"))).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow();
        server.shutdownNow();
        watchers.close();
        calls.close();
        gateway.close();
    }

    /** A watch that asks for one message, then for more only when {@link #readAgain} is called. */
    private static final class SlowReader extends RecordingObserver<Job> implements ClientResponseObserver<WatchJobRequest, Job> {
        private volatile ClientCallStreamObserver<WatchJobRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchJobRequest> requestStream) {
            call = requestStream;
            requestStream.disableAutoRequestWithInitial(1);
        }

        void readAgain() {
            call.request(Integer.MAX_VALUE);
        }
    }

    @Test
    void aReaderThatStopsReading_getsOnlyTheNewestState_andTheEnd_whenItReadsAgain() {
        String jobId = methodJobOverDevicesAnsweringOneAfterAnother();
        WatchJobRequest watch = WatchJobRequest.newBuilder().setJobId(jobId).build();
        SlowReader slow = new SlowReader();
        RecordingObserver<Job> eager = new RecordingObserver<>();

        JobServiceGrpc.newStub(channel).watchJob(watch, slow);
        await().atMost(WAIT).until(() -> !slow.received.isEmpty());
        JobServiceGrpc.newStub(channel).watchJob(watch, eager);
        assertThat(eager.ended.join().getCode()).isEqualTo(Status.Code.OK);
        Job last = eager.received.get(eager.received.size() - 1);
        assertThat(last.getState()).isEqualTo(JobState.JOB_STATE_COMPLETED);
        assertThat(eager.received).as("the poller delivered several states while the slow reader read none").hasSizeGreaterThanOrEqualTo(3);
        assertThat(slow.ended).as("a stream is not ended while its last state waits to be read").isNotDone();
        assertThat(slow.received).hasSize(1);

        slow.readAgain();

        assertThat(slow.ended.join().getCode()).isEqualTo(Status.Code.OK);
        assertThat(slow.received).as("the first state, then only the newest: nothing in between was kept").hasSize(2);
        assertThat(slow.received.get(1)).isEqualTo(last);
        await().atMost(WAIT).until(() -> watchers.pollerCount() == 0);
    }

    /**
     * A method job over three connected devices that answer after one, two and three seconds, so
     * that its statistics change while it runs.
     */
    private static String methodJobOverDevicesAnsweringOneAfterAnother() {
        String site = TestGateway.uniqueId("slow-site");
        SimulatedDevices simulated = gateway.hub().devices();
        for (int i = 1; i <= 3; i++) {
            String id = TestGateway.uniqueId("slow-reader");
            gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
            gateway.twins().updateTwin(io.hubgate.api.v1.UpdateTwinRequest.newBuilder().setDeviceId(id)
                    .setTags(com.google.protobuf.Struct.newBuilder().putFields("site",
                            com.google.protobuf.Value.newBuilder().setStringValue(site).build())).build());
            SimulatedDevices.Target target = new SimulatedDevices.Target(id, null);
            simulated.setConnected(target, true);
            simulated.onMethod(target, "work", new MethodBehaviour(200, null, java.time.Duration.ofSeconds(i), true, true));
        }
        return JobServiceGrpc.newBlockingStub(gateway.channel()).createJob(CreateJobRequest.newBuilder().setJob(Job.newBuilder()
                .setQueryCondition("tags.site = '" + site + "'")
                .setMethodInvocation(MethodInvocation.newBuilder().setMethodName("work")
                        .setResponseTimeout(Duration.newBuilder().setSeconds(30)))).build()).getJobId();
    }
}
