package io.hubgate.server.hub;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import io.hubgate.server.hub.RetryPolicy.Repeatability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs blocking IoT Hub SDK calls off the gRPC transport threads, at most {@code maxConcurrent}
 * at once, within the caller's deadline: no attempt starts, and on the controlled path no request
 * is sent, once the deadline has passed; each attempt gets an {@link Upstream} fitted to what
 * remains (SDK clients whose read timeout fits, the controlled path whose every request times out
 * with the time left when it is sent), transient failures are retried per
 * {@link RetryPolicy}, and a cancelled call stops before its next attempt.
 *
 * <p>At most once: a non-repeatable call whose answer was lost after it was sent is never simply
 * sent again. Its {@link Verifier} reads the hub and the call answers the found result, tries
 * again when provably nothing happened yet, or fails with UNAVAILABLE / {@code UPSTREAM_OUTCOME_UNKNOWN}.
 * "Nothing happened yet" is all a read can prove: a slow hub may still apply the lost attempt, so
 * when the attempt sent again is refused in a way that attempt could have caused (412, 404, 409,
 * or the gateway's own stale-etag ABORTED), the verifier decides once more and the refusal is
 * never the answer.
 *
 * <p>Why bounded: every upstream call holds a thread and a keep-alive connection for its whole
 * duration; an unbounded pool would turn a slow hub into thousands of threads. A call that finds
 * every slot taken waits in a queue of {@code maxQueued}; when that is full too, new calls fail
 * fast with RESOURCE_EXHAUSTED instead of piling up.
 *
 * <p>Where a call runs: {@link #submit} always hands it to a worker thread ({@code iothub-call-N});
 * {@link #runHere} runs it on the calling thread when a slot is free (a gRPC handler thread, which
 * may block), and queues it like {@code submit} otherwise. A unary RPC that makes one upstream call
 * uses {@code runHere}: the hand-off to another thread and back was a thread wake-up and a context
 * switch per call for nothing. Calls issued in bulk (batches, which should run in parallel) and
 * calls issued from callbacks use {@code submit}. Both share the same slots and the same queue.
 *
 * <p>Thread-safe.
 */
public final class UpstreamCalls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamCalls.class);

    /** One attempt of an upstream call: gets what it may use, fitted to the time left; returns the result or throws. */
    @FunctionalInterface
    public interface Call<T> {
        T run(Upstream upstream) throws Exception;
    }

    private final HubClients clients;
    private final Duration defaultBudget;
    private final int maxConcurrent;
    /** One permit per upstream call that may run now, wherever it runs. */
    private final Semaphore slots;
    /** Calls waiting for a slot, in arrival order. */
    private final BlockingQueue<Queued> waiting;
    /** Threads for queued and submitted calls; each holds a slot while it runs one, so at most maxConcurrent are busy. */
    private final ThreadPoolExecutor workers;
    private final UpstreamTelemetry telemetry;
    private volatile boolean stopped;

    /**
     * @param maxConcurrent calls running at once
     * @param maxQueued     calls waiting for a slot
     * @param defaultBudget the time a call gets when the caller set no deadline
     */
    public UpstreamCalls(HubClients clients, int maxConcurrent, int maxQueued, Duration defaultBudget) {
        this(clients, maxConcurrent, maxQueued, defaultBudget, UpstreamTelemetry.off());
    }

    /** As {@link #UpstreamCalls(HubClients, int, int, Duration)}, measured and traced by {@code telemetry}. */
    public UpstreamCalls(HubClients clients, int maxConcurrent, int maxQueued, Duration defaultBudget,
                         UpstreamTelemetry telemetry) {
        this.clients = clients;
        this.telemetry = telemetry;
        this.defaultBudget = defaultBudget;
        this.maxConcurrent = maxConcurrent;
        this.slots = new Semaphore(maxConcurrent);
        this.waiting = new ArrayBlockingQueue<>(maxQueued);
        AtomicInteger number = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "iothub-call-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        // Read at each scrape, long after construction.
        telemetry.observeCapacity(() -> maxConcurrent - slots.availablePermits(), maxConcurrent, waiting::size, maxQueued);
    }

    public HubClients clients() {
        return clients;
    }

    /** Runs {@code call} on a worker thread for the current gRPC context (its deadline and cancellation). */
    public <T> CompletableFuture<T> submit(Repeatability repeatability, Call<T> call) {
        return start(repeatability, call, null, false);
    }

    /**
     * As {@link #submit(Repeatability, Call)} for a non-repeatable call whose lost answer
     * {@code verifier} can settle (see {@link Verifier}).
     */
    public <T> CompletableFuture<T> submit(Call<T> call, Verifier<T> verifier) {
        return start(Repeatability.NOT_REPEATABLE, call, verifier, false);
    }

    /**
     * As {@link #submit}, but when a slot is free the call runs on this thread, which must be one
     * that may block for the call's duration (a gRPC handler thread); the returned future is then
     * already complete.
     */
    public <T> CompletableFuture<T> runHere(Repeatability repeatability, Call<T> call) {
        return start(repeatability, call, null, true);
    }

    /** As {@link #runHere(Repeatability, Call)} for a non-repeatable call with a {@link Verifier}. */
    public <T> CompletableFuture<T> runHere(Call<T> call, Verifier<T> verifier) {
        return start(Repeatability.NOT_REPEATABLE, call, verifier, true);
    }

    private <T> CompletableFuture<T> start(Repeatability repeatability, Call<T> call, Verifier<T> verifier, boolean here) {
        Context context = Context.current();
        Deadline deadline = context.getDeadline() != null ? context.getDeadline()
                : Deadline.after(defaultBudget.toNanos(), TimeUnit.NANOSECONDS);
        CompletableFuture<T> result = new CompletableFuture<>();
        if (deadline.isExpired()) {
            result.completeExceptionally(HubErrorMapper.deadlinePassed(false));
            return result;
        }
        UpstreamTelemetry.Call observed = telemetry.begin();
        if (stopped) {
            result.completeExceptionally(shuttingDown());
            return result;
        }
        context.addListener(cancelled -> result.cancel(false), Runnable::run);
        boolean callerDeadline = context.getDeadline() != null;
        Runnable task = () -> attempt(call, repeatability, verifier, deadline, callerDeadline, result, observed);
        if (here && slots.tryAcquire()) {
            try {
                task.run();
            } finally {
                slots.release();
                dispatch();
            }
            return result;
        }
        if (!waiting.offer(new Queued(task, result))) {
            observed.refusedAtCapacity();
            result.completeExceptionally(atCapacity());
            return result;
        }
        if (stopped) {
            refuseQueued(); // stopped while this call was queued: it would never run
        } else {
            dispatch();
        }
        return result;
    }

    /**
     * Starts queued calls while slots are free. Run after every enqueue and every release, so a
     * call queued just as a slot frees is never left waiting.
     */
    private void dispatch() {
        while (!waiting.isEmpty() && slots.tryAcquire()) {
            Queued next = waiting.poll();
            if (next == null) {
                slots.release();
                continue;
            }
            try {
                workers.execute(() -> work(next));
            } catch (RejectedExecutionException shutDown) {
                slots.release();
                next.refuse(shuttingDown());
                refuseQueued();
                return;
            }
        }
    }

    /** Runs {@code first}, then further queued calls while there are any, on the slot it was given. */
    private void work(Queued first) {
        try {
            for (Queued queued = first; queued != null; queued = waiting.poll()) {
                if (workers.isShutdown()) {
                    queued.refuse(shuttingDown());
                } else {
                    queued.task().run();
                }
            }
        } finally {
            slots.release();
            dispatch();
        }
    }

    /** A call waiting for a slot, and the future it answers. */
    private record Queued(Runnable task, CompletableFuture<?> result) {
        void refuse(RuntimeException why) {
            result.completeExceptionally(why);
        }
    }

    /** Ends every queued call with {@link #shuttingDown}: none of them will run. */
    private void refuseQueued() {
        for (Queued queued = waiting.poll(); queued != null; queued = waiting.poll()) {
            queued.refuse(shuttingDown());
        }
    }

    /** UNAVAILABLE {@code GATEWAY_SHUTTING_DOWN}: the gateway stopped taking upstream calls; another instance (or this one restarted) will. */
    private static RuntimeException shuttingDown() {
        return HubErrorMapper.gatewayError(com.google.rpc.Code.UNAVAILABLE,
                "The gateway is shutting down; retry the call", "GATEWAY_SHUTTING_DOWN");
    }

    private RuntimeException atCapacity() {
        return io.hubgate.server.errors.GatewayStatus.atCapacity("The gateway is at capacity: " + maxConcurrent
                + " IoT Hub calls running and " + waiting.size() + " waiting; retry later", HubErrorMapper.DEFAULT_RETRY_DELAY);
    }

    private <T> void attempt(Call<T> call, Repeatability repeatability, Verifier<T> verifier, Deadline deadline,
                             boolean callerDeadline, CompletableFuture<T> result, UpstreamTelemetry.Call observed) {
        // The failure of an earlier attempt whose answer was lost and which the verifier judged
        // not applied; the attempt may still be under way at the hub (a slow hub), so a later
        // refusal can be its own effect.
        Exception lostEarlier = null;
        for (int attempt = 1; ; attempt++) {
            if (result.isDone()) {
                return; // cancelled by the caller while waiting
            }
            if (deadline.isExpired()) {
                result.completeExceptionally(HubErrorMapper.deadlinePassed(lostEarlier != null));
                return;
            }
            UpstreamAttempt observation = observed.attempt(attempt);
            try {
                T answer;
                try (io.opentelemetry.context.Scope ignored = observation.makeCurrent()) {
                    answer = call.run(new Upstream(clients, deadline, callerDeadline, lostEarlier != null, observation));
                }
                // Ended before the answer goes out, so that its spans end inside the server span.
                observation.end(null);
                result.complete(answer);
                return;
            } catch (Error error) {
                // Never left incomplete: whatever waits on the call (a response, a batch) ends.
                observation.end(error);
                result.completeExceptionally(error);
                if (error instanceof VirtualMachineError) {
                    throw error;
                }
                return;
            } catch (Exception failure) {
                observation.end(failure);
                boolean retry;
                if (repeatability == Repeatability.NOT_REPEATABLE && RetryPolicy.outcomeUnknown(failure)) {
                    Verifier.Verdict<T> verdict = verify(verifier, deadline, callerDeadline, failure, observed.verification(attempt));
                    observed.lostAnswer(verdict.state());
                    if (verdict.state() == Verifier.Verdict.State.APPLIED) {
                        result.complete(verdict.result());
                        return;
                    }
                    if (verdict.state() == Verifier.Verdict.State.UNKNOWN) {
                        result.completeExceptionally(HubErrorMapper.outcomeUnknown(failure));
                        return;
                    }
                    lostEarlier = failure;
                    retry = attempt < RetryPolicy.MAX_ATTEMPTS; // not applied yet: try again
                } else if (lostEarlier != null && RetryPolicy.couldBeEarlierAttempt(failure)) {
                    settle(verifier, deadline, callerDeadline, lostEarlier, result, observed.verification(attempt));
                    return;
                } else {
                    retry = RetryPolicy.shouldRetry(failure, repeatability, attempt);
                }
                if (!retry) {
                    fail(result, failure);
                    return;
                }
                Duration wait = RetryPolicy.backoff(attempt, failure);
                if (remaining(deadline).compareTo(wait) <= 0) {
                    fail(result, failure);
                    return;
                }
                observed.retrying(failure);
                LOG.debug("Attempt {} failed ({}), retrying in {} ms", attempt, failure.getClass().getSimpleName(),
                        wait.toMillis());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    fail(result, failure);
                    return;
                }
            }
        }
    }

    /**
     * Ends the call with {@code failure}; a refusal of the gateway's own hub credential becomes
     * the status that says which credential it was (only this class knows the clients' kind).
     */
    private void fail(CompletableFuture<?> result, Exception failure) {
        StatusRuntimeException ownCredential = HubErrorMapper.ownCredentialRefused(failure, clients.credentialKind());
        result.completeExceptionally(ownCredential != null ? ownCredential : failure);
    }

    /**
     * After a lost answer, the attempt sent again was refused in a way the lost one could have
     * caused itself (a 412 after a conditional write that landed late, a 404 after a delete, a
     * 409 after a create): the refusal is not the caller's fault. The verifier reads the hub
     * again: this call's own effect found means OK with it, anything else is
     * UPSTREAM_OUTCOME_UNKNOWN, never the refusal (which would tell the caller to act again).
     */
    private <T> void settle(Verifier<T> verifier, Deadline deadline, boolean callerDeadline, Exception lost,
                            CompletableFuture<T> result, UpstreamAttempt observation) {
        Verifier.Verdict<T> verdict = verify(verifier, deadline, callerDeadline, lost, observation);
        if (verdict.state() == Verifier.Verdict.State.APPLIED) {
            result.complete(verdict.result());
        } else {
            result.completeExceptionally(HubErrorMapper.outcomeUnknown(lost));
        }
    }

    /** Settles a lost answer by reading the hub; any failure of that read leaves it unknown. */
    private <T> Verifier.Verdict<T> verify(Verifier<T> verifier, Deadline deadline, boolean callerDeadline, Exception lost,
                                           UpstreamAttempt observation) {
        if (verifier == null || deadline.isExpired()) {
            return Verifier.Verdict.unknown();
        }
        try {
            Verifier.Verdict<T> verdict;
            try (io.opentelemetry.context.Scope ignored = observation.makeCurrent()) {
                verdict = verifier.check(new Upstream(clients, deadline, callerDeadline, true, observation));
            }
            observation.end(null);
            return verdict;
        } catch (Exception unreadable) {
            observation.end(unreadable);
            LOG.debug("Could not verify the outcome after {}: {}", lost.getClass().getSimpleName(), unreadable.toString());
            return Verifier.Verdict.unknown();
        }
    }

    private static Duration remaining(Deadline deadline) {
        return Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS));
    }

    /**
     * Stops taking calls (new ones end with UNAVAILABLE {@code GATEWAY_SHUTTING_DOWN}) and waits up
     * to {@code grace} for the running and queued ones; those still queued then end the same way.
     */
    public void shutdown(Duration grace) throws InterruptedException {
        stopped = true;
        long end = System.nanoTime() + grace.toNanos();
        while ((slots.availablePermits() < maxConcurrent || !waiting.isEmpty()) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        workers.shutdownNow();
        refuseQueued();
    }

    /** Stops at once: calls still queued end with UNAVAILABLE {@code GATEWAY_SHUTTING_DOWN}, never left waiting. */
    @Override
    public void close() {
        stopped = true;
        workers.shutdownNow();
        refuseQueued();
    }
}
