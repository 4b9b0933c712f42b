package io.hubgate.server.hub;

import com.azure.core.credential.AzureSasCredential;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.server.hub.RetryPolicy.Repeatability;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Where upstream calls run and how they are bounded: runHere uses the calling thread when a slot
 * is free, submit always a worker; both share the slots and the queue, and beyond both a call is
 * refused at once with RESOURCE_EXHAUSTED.
 */
class UpstreamCallsTest {

    private final UpstreamCalls calls = new UpstreamCalls(HubClients.withSas("hub.example", new AzureSasCredential("sig")),
            1, 1, Duration.ofSeconds(10));

    @AfterEach
    void close() {
        calls.close();
    }

    @Test
    void runHere_withAFreeSlot_runsOnTheCallingThread_andIsDoneOnReturn() throws Exception {
        CompletableFuture<String> result = calls.runHere(Repeatability.REPEATABLE, upstream -> Thread.currentThread().getName());

        assertThat(result).isDone();
        assertThat(result.get()).isEqualTo(Thread.currentThread().getName());
    }

    @Test
    void submit_runsOnAWorker() throws Exception {
        String thread = calls.submit(Repeatability.REPEATABLE, upstream -> Thread.currentThread().getName())
                .get(10, TimeUnit.SECONDS);

        assertThat(thread).startsWith("iothub-call-").isNotEqualTo(Thread.currentThread().getName());
    }

    @Test
    void slotsAndQueueAreShared_beyondBothACallIsRefused_andTheQueuedOneRunsWhenTheSlotFrees() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<CompletableFuture<String>> first = new AtomicReference<>();
        Thread handler = new Thread(() -> first.set(calls.runHere(Repeatability.REPEATABLE, upstream -> {
            running.countDown();
            release.await();
            return "first";
        })), "handler");
        handler.start();
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        // The one slot is taken by the handler thread: this runHere call queues instead of running here.
        CompletableFuture<String> queued = calls.runHere(Repeatability.REPEATABLE, upstream -> Thread.currentThread().getName());
        assertThat(queued).isNotDone();

        CompletableFuture<String> refused = calls.submit(Repeatability.REPEATABLE, upstream -> "never");
        assertThatThrownBy(refused::get).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).contains("at capacity: 1 IoT Hub calls running and 1 waiting");
                });

        release.countDown();
        handler.join(10_000);
        assertThat(first.get().get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(queued.get(10, TimeUnit.SECONDS)).as("the queued call ran on a worker").startsWith("iothub-call-");

        // Everything is free again: a call runs here. (The worker gives its slot back just after it
        // completes the queued call's future, so a call made in that instant still queues: retry.)
        // Polled on this thread: the call must run here, on the caller's thread.
        CompletableFuture<String> again = await().atMost(Duration.ofSeconds(10)).pollInSameThread()
                .pollInterval(Duration.ofMillis(5))
                .until(() -> calls.runHere(Repeatability.REPEATABLE, upstream -> Thread.currentThread().getName()),
                        CompletableFuture::isDone);
        assertThat(again).isCompletedWithValue(Thread.currentThread().getName());
    }

    @Test
    void afterShutdown_newCallsAreRefused_asShuttingDown_notAtCapacity() throws Exception {
        calls.shutdown(Duration.ofSeconds(1));
        assertShuttingDown(calls.runHere(Repeatability.REPEATABLE, upstream -> "late"));
    }

    @Test
    void close_endsACallStillQueued_withShuttingDown_neverLeavesItWaiting() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> busy = calls.submit(Repeatability.REPEATABLE, upstream -> {
            running.countDown();
            release.await();
            return "busy";
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> queued = calls.submit(Repeatability.REPEATABLE, upstream -> "never runs");
        assertThat(queued).isNotDone();

        calls.close();

        assertShuttingDown(queued);
        release.countDown();
        assertThatThrownBy(() -> busy.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }

    @Test
    void aCallThatThrowsAnError_completesItsFuture_insteadOfLeavingItIncomplete() {
        CompletableFuture<String> failed = calls.submit(Repeatability.REPEATABLE, upstream -> {
            throw new ExceptionInInitializerError("a class failed to load");
        });

        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ExceptionInInitializerError.class);
    }

    private static void assertShuttingDown(CompletableFuture<?> call) {
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(io.hubgate.server.support.Statuses.errorInfo(e).getReason()).isEqualTo("GATEWAY_SHUTTING_DOWN");
                });
    }
}
