package io.hubgate.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Drives one operation for a fixed time at a fixed concurrency and records each call's latency
 * in microseconds. Two shapes, matching how each side is used: asynchronous calls with at most
 * {@code concurrency} in flight (gRPC stubs), and {@code concurrency} threads each calling
 * synchronously (the official SDK, which has no async API).
 *
 * <p>Not thread-safe itself: one run at a time.
 */
final class Load {

    /** Longest latency a histogram tracks: 60 seconds, in microseconds. */
    static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.SECONDS.toMicros(60);
    /** Three significant digits: 0.1% resolution at every magnitude. */
    static final int SIGNIFICANT_DIGITS = 3;

    /** An asynchronous call: the future completes when the whole operation has. */
    interface AsyncCall extends IntFunction<CompletableFuture<?>> {
    }

    /** A blocking call. */
    interface SyncCall {
        void call(int sequence) throws Exception;
    }

    /** What one run measured. */
    record Result(Histogram latencies, long errors, long elapsedNanos, String firstError) {
        double throughput() {
            return latencies.getTotalCount() / (elapsedNanos / 1e9);
        }

        Result plus(Result other) {
            Histogram merged = latencies.copy();
            merged.add(other.latencies);
            return new Result(merged, errors + other.errors, elapsedNanos + other.elapsedNanos,
                    firstError != null ? firstError : other.firstError);
        }

        static Result empty() {
            return new Result(new Histogram(HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS), 0, 0, null);
        }
    }

    private Load() {
    }

    /** Issues calls for {@code durationNanos}, never more than {@code concurrency} in flight; waits for all to end. */
    static Result async(int concurrency, long durationNanos, AtomicInteger sequence, AsyncCall call)
            throws InterruptedException {
        Recorder recorder = new Recorder(HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
        AtomicLong errors = new AtomicLong();
        StringBuilder firstError = new StringBuilder();
        Semaphore inFlight = new Semaphore(concurrency);
        long start = System.nanoTime();
        long end = start + durationNanos;
        while (System.nanoTime() < end) {
            inFlight.acquire();
            long begin = System.nanoTime();
            CompletableFuture<?> future;
            try {
                future = call.apply(sequence.getAndIncrement());
            } catch (RuntimeException e) {
                future = CompletableFuture.failedFuture(e);
            }
            future.whenComplete((ignored, failure) -> {
                if (failure == null) {
                    recorder.recordValue(micros(System.nanoTime() - begin));
                } else {
                    noteError(errors, firstError, failure);
                }
                inFlight.release();
            });
        }
        inFlight.acquire(concurrency);
        long elapsed = System.nanoTime() - start;
        return new Result(recorder.getIntervalHistogram(), errors.get(), elapsed, firstError.isEmpty() ? null : firstError.toString());
    }

    /** Runs {@code threads} threads, each calling in a loop for {@code durationNanos}. */
    static Result threads(int threads, long durationNanos, AtomicInteger sequence, SyncCall call) throws InterruptedException {
        Recorder recorder = new Recorder(HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
        AtomicLong errors = new AtomicLong();
        StringBuilder firstError = new StringBuilder();
        long start = System.nanoTime();
        long end = start + durationNanos;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(new Thread(() -> {
                while (System.nanoTime() < end) {
                    long begin = System.nanoTime();
                    try {
                        call.call(sequence.getAndIncrement());
                        recorder.recordValue(micros(System.nanoTime() - begin));
                    } catch (Exception e) {
                        noteError(errors, firstError, e);
                    }
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread worker : workers) {
            worker.join();
        }
        long elapsed = System.nanoTime() - start;
        return new Result(recorder.getIntervalHistogram(), errors.get(), elapsed, firstError.isEmpty() ? null : firstError.toString());
    }

    private static long micros(long nanos) {
        return Math.min(HIGHEST_TRACKABLE_MICROS, Math.max(1, nanos / 1000));
    }

    private static void noteError(AtomicLong errors, StringBuilder firstError, Throwable failure) {
        errors.incrementAndGet();
        synchronized (firstError) {
            if (firstError.isEmpty()) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                firstError.append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
            }
        }
    }
}
