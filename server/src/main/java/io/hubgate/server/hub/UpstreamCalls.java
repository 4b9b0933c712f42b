package io.hubgate.server.hub;

import io.grpc.Context;
import io.grpc.Deadline;
import io.hubgate.server.hub.RetryPolicy.Repeatability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs blocking IoT Hub SDK calls off the gRPC transport threads, on a bounded pool, within the
 * caller's deadline: no upstream call starts once the deadline has passed, each attempt gets the
 * SDK clients whose read timeout fits in what remains, transient failures are retried per
 * {@link RetryPolicy}, and a cancelled call stops before its next attempt.
 *
 * <p>Why bounded: every upstream call holds a thread and a keep-alive connection for its whole
 * duration; an unbounded pool would turn a slow hub into thousands of threads. When the pool and
 * its queue are full, new calls fail fast with RESOURCE_EXHAUSTED instead of piling up.
 *
 * <p>Thread-safe.
 */
public final class UpstreamCalls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamCalls.class);

    /** One upstream call: gets the clients and the time left, returns the result or throws. */
    @FunctionalInterface
    public interface Call<T> {
        T run(HubClients clients, Duration remaining) throws Exception;
    }

    private final HubClients clients;
    private final ThreadPoolExecutor executor;
    private final Duration defaultBudget;

    /**
     * @param maxConcurrent calls running at once
     * @param maxQueued     calls waiting for a thread
     * @param defaultBudget the time a call gets when the caller set no deadline
     */
    public UpstreamCalls(HubClients clients, int maxConcurrent, int maxQueued, Duration defaultBudget) {
        this.clients = clients;
        this.defaultBudget = defaultBudget;
        AtomicInteger number = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(maxConcurrent, maxConcurrent, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(maxQueued), runnable -> {
                    Thread thread = new Thread(runnable, "iothub-call-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.executor.allowCoreThreadTimeOut(true);
    }

    public HubClients clients() {
        return clients;
    }

    /** Runs {@code call} for the current gRPC context (its deadline and cancellation). */
    public <T> CompletableFuture<T> submit(Repeatability repeatability, Call<T> call) {
        Context context = Context.current();
        Deadline deadline = context.getDeadline() != null ? context.getDeadline()
                : Deadline.after(defaultBudget.toNanos(), TimeUnit.NANOSECONDS);
        CompletableFuture<T> result = new CompletableFuture<>();
        if (deadline.isExpired()) {
            result.completeExceptionally(deadlineExceeded());
            return result;
        }
        context.addListener(cancelled -> result.cancel(false), Runnable::run);
        try {
            executor.execute(() -> attempt(call, repeatability, deadline, result));
        } catch (RejectedExecutionException full) {
            result.completeExceptionally(HubErrorMapper.gatewayError(com.google.rpc.Code.RESOURCE_EXHAUSTED,
                    "The gateway is at capacity: " + executor.getMaximumPoolSize() + " IoT Hub calls running and "
                            + executor.getQueue().size() + " waiting; retry later", "GATEWAY_AT_CAPACITY"));
        }
        return result;
    }

    private <T> void attempt(Call<T> call, Repeatability repeatability, Deadline deadline, CompletableFuture<T> result) {
        for (int attempt = 1; ; attempt++) {
            if (result.isDone()) {
                return; // cancelled by the caller while waiting
            }
            if (deadline.isExpired()) {
                result.completeExceptionally(deadlineExceeded());
                return;
            }
            try {
                result.complete(call.run(clients, Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS))));
                return;
            } catch (Exception failure) {
                if (!RetryPolicy.shouldRetry(failure, repeatability, attempt)) {
                    result.completeExceptionally(failure);
                    return;
                }
                Duration wait = RetryPolicy.backoff(attempt);
                if (Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS)).compareTo(wait) <= 0) {
                    result.completeExceptionally(failure);
                    return;
                }
                LOG.debug("Attempt {} failed ({}), retrying in {} ms", attempt, failure.getClass().getSimpleName(),
                        wait.toMillis());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    result.completeExceptionally(failure);
                    return;
                }
            }
        }
    }

    private static RuntimeException deadlineExceeded() {
        return HubErrorMapper.gatewayError(com.google.rpc.Code.DEADLINE_EXCEEDED,
                "The call's deadline passed before IoT Hub answered", "DEADLINE_PASSED");
    }

    /** Stops taking calls and waits up to {@code grace} for the running ones. */
    public void shutdown(Duration grace) throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            executor.shutdownNow();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
