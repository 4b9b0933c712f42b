package io.hubgate.server.observability;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.hubgate.server.auth.AuthContext;
import io.hubgate.server.auth.Principal;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One log line per call whatever its outcome: request id, caller, method, status and duration.
 * A call the handler closes is logged when it closes; a call that ends without that — cancelled
 * by the client, its deadline passed, broken by the transport, or failed by an exception — is
 * logged when gRPC says so, with the status its stream closed with ({@link StreamOutcome}) or
 * the cancellation's cause. Each call is logged exactly once.
 *
 * <p>It never logs metadata or messages, so no token, key or twin content reaches the log; the
 * caller is the principal that authentication (inside this interceptor) recorded through
 * {@link AuthContext#recording}. Every value is passed through
 * {@link LogText#escape} first: a claim or message holding a newline cannot forge a line.
 * Client-caused failures are INFO lines without a stack trace; gateway faults (INTERNAL,
 * UNKNOWN, DATA_LOSS) are WARN. The line itself, text or JSON fields, is {@link AccessLogEntry}'s;
 * the trace id is the call's server span's ({@link ServerTracing}, outside this interceptor).
 */
public final class AccessLogInterceptor implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Entry entry = new Entry(System.nanoTime(), RequestIdInterceptor.current(), ServerTracing.currentTraceId(),
                call.getMethodDescriptor().getFullMethodName());
        Context recording = AuthContext.recording(entry.caller);
        // The call's own context: its deadline and cancellation, whichever thread closes the call.
        Context callContext = Context.current();
        ServerCall<Q, R> logging = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                // A handler may finish on another thread just after the deadline passed or the
                // client went away (WatchJob's poller sees the job end at that moment): gRPC then
                // drops the OK, the client gets DEADLINE_EXCEEDED or CANCELLED, and so must the log.
                entry.log(status.isOk() && callContext.isCancelled() ? cancelled(callContext.cancellationCause()) : status);
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener;
        try {
            listener = Contexts.interceptCall(recording, logging, headers, next);
        } catch (RuntimeException failure) {
            entry.log(Status.UNKNOWN.withDescription("the call failed as it started: " + failure.getClass().getSimpleName()));
            throw failure;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                logging(() -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                logging(super::onHalfClose);
            }

            @Override
            public void onCancel() {
                Status closed = StreamOutcome.current();
                entry.log(closed != null && !closed.isOk() ? closed : cancelled(Context.current().cancellationCause()));
                super.onCancel();
            }

            private void logging(Runnable step) {
                try {
                    step.run();
                } catch (RuntimeException | Error failure) {
                    // grpc-java answers UNKNOWN for whatever escapes the listener.
                    entry.log(Status.UNKNOWN.withDescription("Application error processing RPC: " + failure.getClass().getSimpleName()));
                    throw failure;
                }
            }
        };
    }

    /** How a call that the gateway did not close ended, as far as its context tells. */
    static Status cancelled(Throwable cause) {
        if (cause == null) {
            return Status.CANCELLED.withDescription("the call was cancelled");
        }
        if (cause instanceof TimeoutException) {
            return Status.DEADLINE_EXCEEDED.withDescription("the call's deadline passed before it completed");
        }
        Status status = Status.fromThrowable(cause);
        if (status.getCode() == Status.Code.UNKNOWN && status.getDescription() == null) {
            return Status.CANCELLED.withDescription(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
        return status;
    }

    /** One call's line, written once. */
    private static final class Entry {
        private final long start;
        private final String requestId;
        private final String traceId;
        private final String method;
        private final AtomicBoolean written = new AtomicBoolean();
        /** Who called, as authentication (inside this interceptor) recorded it. */
        private final AtomicReference<Principal> caller = new AtomicReference<>();

        Entry(long start, String requestId, String traceId, String method) {
            this.start = start;
            this.requestId = requestId;
            this.traceId = traceId;
            this.method = method;
        }

        void log(Status status) {
            if (!written.compareAndSet(false, true)) {
                return;
            }
            long micros = (System.nanoTime() - start) / 1000;
            Principal principal = this.caller.get();
            String caller = (principal == null ? Principal.ANONYMOUS : principal).describe();
            AccessLogEntry.write(isGatewayFault(status.getCode()), requestId, traceId, caller, method, status, micros);
        }

        private static boolean isGatewayFault(Status.Code code) {
            return code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN || code == Status.Code.DATA_LOSS;
        }
    }
}
