package io.hubgate.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Drives one operation for a fixed time at a fixed concurrency and records each call's latency
 * in microseconds. Two shapes, matching how each side is used: asynchronous calls with at most
 * {@code concurrency} in flight (gRPC stubs), and {@code concurrency} threads each calling
 * synchronously (the official SDK, which has no async API). Every thread it runs on is named
 * {@value #THREAD_PREFIX}…, so that the CPU of the Java load can be read apart from the emulator's
 * in the same JVM ({@link CostMeter}).
 *
 * <p>Not thread-safe itself: one run at a time.
 */
final class Load {

    /** Longest latency a histogram tracks: 60 seconds, in microseconds. */
    static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.SECONDS.toMicros(60);
    /** Three significant digits: 0.1% resolution at every magnitude. */
    static final int SIGNIFICANT_DIGITS = 3;
    /** The start of the name of every thread the Java load runs on (its gRPC client's too: {@link GatewayStubs}). */
    static final String THREAD_PREFIX = "bench-load";

    /** An asynchronous call: the future completes when the whole operation has. */
    interface AsyncCall extends IntFunction<CompletableFuture<?>> {
    }

    /** A blocking call. */
    interface SyncCall {
        void call(int sequence) throws Exception;
    }

    /** What one run measured; {@code cpu} is filled in by a {@link CostMeter}. */
    record Result(Histogram latencies, long errors, long elapsedNanos, String firstError, CpuUse cpu) {
        Result(Histogram latencies, long errors, long elapsedNanos, String firstError) {
            this(latencies, errors, elapsedNanos, firstError, CpuUse.NONE);
        }

        double throughput() {
            return latencies.getTotalCount() / (elapsedNanos / 1e9);
        }

        /** Operations completed without error. */
        long operations() {
            return latencies.getTotalCount();
        }

        Result plus(Result other) {
            Histogram merged = latencies.copy();
            merged.add(other.latencies);
            return new Result(merged, errors + other.errors, elapsedNanos + other.elapsedNanos,
                    firstError != null ? firstError : other.firstError, cpu.plus(other.cpu));
        }

        Result withCpu(CpuUse measured) {
            return new Result(latencies, errors, elapsedNanos, firstError, measured);
        }

        static Result empty() {
            return new Result(newHistogram(), 0, 0, null);
        }
    }

    /**
     * The load's threads: kept between runs (a minute idle), so that their CPU can be read after a
     * run (a thread that ended takes its counter with it, see {@link CpuClock}).
     */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger number = new AtomicInteger();

        @Override
        public Thread newThread(Runnable work) {
            Thread thread = new Thread(work, THREAD_PREFIX + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });

    private Load() {
    }

    /**
     * Issues calls for {@code durationNanos}, never more than {@code concurrency} in flight, from a
     * thread of the load's own; waits for all to end.
     */
    static Result async(int concurrency, long durationNanos, AtomicInteger sequence, AsyncCall call)
            throws InterruptedException {
        return await(THREADS.submit(() -> issue(concurrency, durationNanos, sequence, call)));
    }

    private static Result issue(int concurrency, long durationNanos, AtomicInteger sequence, AsyncCall call)
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
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(THREADS.submit(() -> {
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
        for (Future<?> worker : workers) {
            await(worker);
        }
        long elapsed = System.nanoTime() - start;
        return new Result(recorder.getIntervalHistogram(), errors.get(), elapsed, firstError.isEmpty() ? null : firstError.toString());
    }

    /** What a peer measured: its latencies (microseconds), counts and time, into the bench's own histogram. */
    static Result of(long[] latencyMicros, long errors, long elapsedNanos, String firstError) {
        Histogram histogram = newHistogram();
        for (long micros : latencyMicros) {
            histogram.recordValue(Math.min(HIGHEST_TRACKABLE_MICROS, Math.max(1, micros)));
        }
        return new Result(histogram, errors, elapsedNanos, firstError);
    }

    private static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
    }

    private static <T> T await(Future<T> work) throws InterruptedException {
        try {
            return work.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            work.cancel(true);
            throw e;
        }
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
