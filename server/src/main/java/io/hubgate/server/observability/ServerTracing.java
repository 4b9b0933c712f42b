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
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server span per RPC that continues the caller's trace: the W3C {@code traceparent} (and
 * {@code tracestate}) of the call's metadata is the parent, when there is one. The span is in the
 * gRPC {@link Context} for the whole call ({@link #currentSpan()}: the access log reads its trace
 * id, upstream calls make their client spans its children on whatever thread they run), and
 * current in OpenTelemetry's context while the call's callbacks run. Health checks get no span:
 * probes would drown the traces.
 *
 * <p>Attributes after OpenTelemetry's RPC conventions: {@code rpc.system}, {@code rpc.service},
 * {@code rpc.method}, {@code rpc.grpc.status_code}; the span's status is ERROR for the codes that
 * mean a server fault, not for a caller's mistake such as NOT_FOUND.
 */
public final class ServerTracing implements ServerInterceptor {

    private static final Context.Key<Span> SPAN = Context.key("hubgate-server-span");
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final AttributeKey<Long> STATUS_CODE = AttributeKey.longKey("rpc.grpc.status_code");
    /** Server faults, per the conventions; the rest are the caller's or expected outcomes. */
    private static final Set<Status.Code> SERVER_ERRORS = EnumSet.of(Status.Code.UNKNOWN, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.UNIMPLEMENTED, Status.Code.INTERNAL, Status.Code.UNAVAILABLE, Status.Code.DATA_LOSS);

    private static final TextMapGetter<Metadata> METADATA = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
            return carrier.keys();
        }

        @Override
        public String get(Metadata carrier, String key) {
            return carrier == null || key.endsWith(Metadata.BINARY_HEADER_SUFFIX) ? null
                    : carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        }
    };

    private final Tracer tracer;

    public ServerTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    private static void end(Span span, AtomicBoolean open, Status.Code code) {
        if (open.compareAndSet(true, false)) {
            span.setAttribute(STATUS_CODE, (long) code.value());
            if (SERVER_ERRORS.contains(code)) {
                span.setStatus(StatusCode.ERROR, code.name());
            }
            span.end();
        }
    }

    /** The current call's server span; an invalid (no-op) span outside a traced call. */
    public static Span currentSpan() {
        Span span = SPAN.get();
        return span == null ? Span.getInvalid() : span;
    }

    /** The current call's trace id (32 hex digits), or null outside a traced call. */
    public static String currentTraceId() {
        Span span = SPAN.get();
        return span == null || !span.getSpanContext().isValid() ? null : span.getSpanContext().getTraceId();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        String service = call.getMethodDescriptor().getServiceName();
        if (service == null || service.startsWith("grpc.health.")) {
            return next.startCall(call, headers);
        }
        io.opentelemetry.context.Context parent = W3C.extract(io.opentelemetry.context.Context.root(), headers, METADATA);
        Span span = tracer.spanBuilder(method).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute("rpc.system", "grpc")
                .setAttribute("rpc.service", service)
                .setAttribute("rpc.method", call.getMethodDescriptor().getBareMethodName())
                .startSpan();
        // Ends once: at close, or at the cancellation of a call that is never closed. Ended before the
        // close goes out, because a call closed with an error is reported to its listener as a
        // cancellation, on another thread, possibly before close() has returned.
        AtomicBoolean open = new AtomicBoolean(true);
        ServerCall<Q, R> ending = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                end(span, open, status.getCode());
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener = Contexts.interceptCall(Context.current().withValue(SPAN, span), ending, headers, next);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                try (Scope ignored = span.makeCurrent()) {
                    super.onMessage(message);
                }
            }

            @Override
            public void onHalfClose() {
                try (Scope ignored = span.makeCurrent()) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onCancel() {
                try (Scope ignored = span.makeCurrent()) {
                    super.onCancel();
                } finally {
                    end(span, open, Status.Code.CANCELLED);
                }
            }

            @Override
            public void onComplete() {
                try (Scope ignored = span.makeCurrent()) {
                    super.onComplete();
                }
            }

            @Override
            public void onReady() {
                try (Scope ignored = span.makeCurrent()) {
                    super.onReady();
                }
            }
        };
    }
}
