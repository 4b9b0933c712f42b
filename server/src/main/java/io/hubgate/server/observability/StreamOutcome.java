package io.hubgate.server.observability;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;

import java.util.concurrent.atomic.AtomicReference;

/**
 * How each call's HTTP/2 stream really closed, as the transport saw it, for the access log. A call
 * the handler never closed — cancelled by the client, or failed by grpc-java's transport for a
 * broken frame — reaches the access log only as a cancellation; the transport's status (for
 * example INTERNAL "gRPC frame header malformed") is known to a stream tracer, which puts it where
 * the access log finds it, in the call's {@link Context}. Register it with
 * {@code ServerBuilder.addStreamTracerFactory}. Thread-safe.
 */
public final class StreamOutcome extends ServerStreamTracer.Factory {

    private static final Context.Key<AtomicReference<Status>> CLOSED = Context.key("hubgate-stream-closed");

    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        AtomicReference<Status> closed = new AtomicReference<>();
        return new ServerStreamTracer() {
            @Override
            public Context filterContext(Context context) {
                return context.withValue(CLOSED, closed);
            }

            @Override
            public void streamClosed(Status status) {
                closed.set(status);
            }
        };
    }

    /** The status the current call's stream closed with, or null when not closed (or not traced). */
    static Status current() {
        AtomicReference<Status> closed = CLOSED.get();
        return closed == null ? null : closed.get();
    }
}
