package io.hubgate.server.service;

import com.google.rpc.Code;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.hubgate.api.v1.Job;
import io.hubgate.server.hub.HubErrorMapper;
import io.hubgate.server.hub.RetryPolicy.Repeatability;
import io.hubgate.server.hub.UpstreamCalls;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Serves WatchJob: one poller per watched job, however many callers watch it, reads the job
 * from IoT Hub every {@link #DEFAULT_INTERVAL} and hands each change to every watcher of that
 * job. The interval keeps watching cheap against IoT Hub's jobs throttle (100 operations a
 * minute per unit on S1/S2): ten jobs watched by any number of callers cost five reads a second.
 *
 * <p>Flow control: each watcher holds at most one undelivered state, the newest; a slow reader
 * skips intermediate states instead of piling them up, and always gets the final one. A stream
 * ends with that final state (a job that ended), with the error that ended the job's reads
 * (NOT_FOUND …), or when its caller cancels or its deadline passes; the poller stops with its
 * last watcher. A read that fails transiently (UNAVAILABLE, RESOURCE_EXHAUSTED,
 * DEADLINE_EXCEEDED) after the first is tried again at the next interval.
 *
 * <p>Thread-safe: pollers are kept under this object's monitor, each watcher's delivery under
 * its own.
 */
public final class JobWatchers implements AutoCloseable {

    /** How often a watched job is read from IoT Hub. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

    private final UpstreamCalls calls;
    private final Duration interval;
    private final ScheduledExecutorService timer;
    private final Map<String, Poller> pollers = new HashMap<>();
    private boolean closed;

    public JobWatchers(UpstreamCalls calls, Duration interval) {
        this.calls = calls;
        this.interval = interval;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "job-watch");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts streaming {@code jobId} to {@code observer}. */
    void watch(String jobId, ServerCallStreamObserver<Job> observer) {
        Watcher watcher = new Watcher(observer);
        Poller poller;
        boolean first;
        synchronized (this) {
            if (closed) {
                observer.onError(shuttingDown());
                return;
            }
            poller = pollers.computeIfAbsent(jobId, Poller::new);
            poller.watchers.add(watcher);
            // Under the same monitor as joining: every state a poll delivers to this watcher
            // from now on is newer than the one it starts with, so none is overwritten by an
            // older one (a poller in the map has never seen its job end: it is forgotten then).
            if (poller.last != null) {
                watcher.start(poller.last);
            }
            first = !poller.started;
            poller.started = true;
        }
        observer.setOnCancelHandler(() -> leave(poller, watcher));
        observer.setOnReadyHandler(watcher::drain);
        watcher.drain();
        if (first) {
            poll(poller);
        }
    }

    /** Jobs being watched (by at least one caller) at this moment, each read by one poller. */
    public synchronized int pollerCount() {
        return pollers.size();
    }

    /** Ends every watch with UNAVAILABLE (the gateway is stopping) and stops polling. */
    @Override
    public void close() {
        List<Watcher> all;
        synchronized (this) {
            closed = true;
            all = pollers.values().stream().flatMap(p -> p.watchers.stream()).toList();
            pollers.values().forEach(Poller::stop);
            pollers.clear();
        }
        all.forEach(watcher -> watcher.fail(shuttingDown()));
        timer.shutdownNow();
    }

    private void poll(Poller poller) {
        // The poller serves many callers: it reads outside any one caller's context, so no single
        // caller's deadline or cancellation ends the reads the others depend on.
        Context.ROOT.run(() -> calls.submit(Repeatability.REPEATABLE,
                upstream -> JobMapper.toProto(upstream.sdk().jobs().get(poller.jobId)))
                .whenComplete((job, failure) -> {
                    if (failure == null) {
                        delivered(poller, job);
                    } else {
                        failed(poller, HubErrorMapper.map(failure));
                    }
                }));
    }

    private void delivered(Poller poller, Job job) {
        boolean ended = JobMapper.isTerminal(job.getState());
        Set<Watcher> watchers;
        boolean changed;
        synchronized (this) {
            if (poller.stopped) {
                return;
            }
            changed = !job.equals(poller.last);
            poller.last = job;
            watchers = Set.copyOf(poller.watchers);
            if (ended) {
                forget(poller);
            } else {
                poller.next = timer.schedule(() -> poll(poller), interval.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        if (changed || ended) {
            watchers.forEach(watcher -> watcher.offer(job, ended));
        }
    }

    private void failed(Poller poller, StatusRuntimeException status) {
        Set<Watcher> watchers;
        synchronized (this) {
            if (poller.stopped) {
                return;
            }
            if (poller.last != null && isTransient(status)) {
                poller.next = timer.schedule(() -> poll(poller), interval.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            watchers = Set.copyOf(poller.watchers);
            forget(poller);
        }
        watchers.forEach(watcher -> watcher.fail(status));
    }

    private synchronized void leave(Poller poller, Watcher watcher) {
        poller.watchers.remove(watcher);
        if (poller.watchers.isEmpty()) {
            forget(poller);
        }
    }

    /** Under the monitor: stops the poller and lets a later watch of its job start afresh. */
    private void forget(Poller poller) {
        poller.stop();
        pollers.remove(poller.jobId, poller);
    }

    private static boolean isTransient(StatusRuntimeException status) {
        Status.Code code = status.getStatus().getCode();
        return code == Status.Code.UNAVAILABLE || code == Status.Code.RESOURCE_EXHAUSTED
                || code == Status.Code.DEADLINE_EXCEEDED;
    }

    private static StatusRuntimeException shuttingDown() {
        return HubErrorMapper.gatewayError(Code.UNAVAILABLE, "The gateway is shutting down; watch the job again",
                "GATEWAY_SHUTTING_DOWN");
    }

    /** The reads of one job and who gets them. Guarded by the JobWatchers monitor. */
    private static final class Poller {
        final String jobId;
        final Set<Watcher> watchers = new LinkedHashSet<>();
        Job last;
        boolean started;
        boolean stopped;
        ScheduledFuture<?> next;

        Poller(String jobId) {
            this.jobId = jobId;
        }

        void stop() {
            stopped = true;
            if (next != null) {
                next.cancel(false);
            }
        }
    }

    /** One caller's stream: the newest undelivered state, sent when the stream is ready. */
    private static final class Watcher {
        private final ServerCallStreamObserver<Job> observer;
        private Job pending;
        private boolean endAfterPending;
        private boolean done;

        Watcher(ServerCallStreamObserver<Job> observer) {
            this.observer = observer;
        }

        /** The state the watch starts with, sent when the stream is ready (not yet: its handlers are not set). */
        synchronized void start(Job job) {
            pending = job;
        }

        /**
         * {@code job} is the newest state; {@code last}: the job ended with it. Once the end has
         * been offered nothing replaces it: the final state is the newest there will be.
         */
        synchronized void offer(Job job, boolean last) {
            if (done || endAfterPending) {
                return;
            }
            pending = job;
            endAfterPending = last;
            drain();
        }

        synchronized void drain() {
            if (done || pending == null || observer.isCancelled() || !observer.isReady()) {
                return;
            }
            observer.onNext(pending);
            pending = null;
            if (endAfterPending) {
                done = true;
                observer.onCompleted();
            }
        }

        synchronized void fail(StatusRuntimeException status) {
            if (done || observer.isCancelled()) {
                return;
            }
            done = true;
            observer.onError(status);
        }
    }
}
