package io.hubgate.server;

import io.grpc.Context;
import io.grpc.ForwardingServerCall;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import com.google.common.util.concurrent.MoreExecutors;
import io.hubgate.server.errors.GatewayStatus;
import io.hubgate.server.service.RequestSizeLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes every call of a service end with a status the gateway chose, through the interceptors
 * (so the access log sees it), instead of grpc-java's {@code UNKNOWN: Application error
 * processing RPC} with a SEVERE stack trace:
 * <ul>
 * <li>request bytes that do not parse as the method's message (random bytes, a truncated varint,
 *     invalid UTF-8 in a string, nesting beyond protobuf's limit of 100) end INVALID_ARGUMENT,
 *     reason {@code MALFORMED_REQUEST}: the request is the client's fault. (The gRPC status-code
 *     guide lists INTERNAL for "error parsing request proto" because that is what its libraries
 *     generate; hubgate keeps INTERNAL for its own faults, so an operator's alarm on INTERNAL
 *     never fires for a client's garbage.) A message over the size limit keeps grpc-java's
 *     RESOURCE_EXHAUSTED.</li>
 * <li>a request larger than its method's limit ({@link RequestSizeLimits}) is refused before it
 *     is parsed: RESOURCE_EXHAUSTED, reason {@code REQUEST_TOO_LARGE}, naming the method and the
 *     limit. One that fits takes its size from the gateway-wide {@link RequestBudget} until its
 *     call ends; over budget it is refused unparsed, RESOURCE_EXHAUSTED {@code GATEWAY_AT_CAPACITY}
 *     with a RetryInfo. (A marshaller that threw would end the call UNKNOWN: grpc-java cancels the
 *     stream with "Application error processing RPC".)</li>
 * <li>a unary-request method given two messages, or none, ends UNIMPLEMENTED, as the guide gives
 *     for a request cardinality violation (grpc-java itself answers INTERNAL).</li>
 * <li>an exception escaping a handler ends INTERNAL (a gateway fault: logged once, with its
 *     stack trace, as the bug it is).</li>
 * </ul>
 * The call is closed through the {@link ServerCall} the interceptors handed in, so it is logged
 * like any other. Frame-level protocol violations (reserved flag bits, a compressed frame without
 * {@code grpc-encoding}, a stream that ends mid-frame) never reach a marshaller: grpc-java's
 * transport answers them itself.
 *
 * <p>Wrap a service before intercepting it: {@code ServerInterceptors.intercept(RequestGuard.wrap(s), …)}.
 * Stateless; each call gets its own listener.
 */
final class RequestGuard {

    private static final Logger LOG = LoggerFactory.getLogger(RequestGuard.class);

    /** What a request marshaller hands on instead of throwing: the status the request earns. */
    record Unparseable(StatusRuntimeException failure) {
    }

    private RequestGuard() {
    }

    /** How long a caller refused for the request budget is asked to wait: requests are short-lived. */
    static final Duration BUDGET_RETRY_DELAY = Duration.ofSeconds(1);

    /**
     * The same service, its requests parsed leniently within their size limits and {@code budget},
     * and its calls guarded.
     */
    static ServerServiceDefinition wrap(ServerServiceDefinition service, RequestBudget budget) {
        ServiceDescriptor original = service.getServiceDescriptor();
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            methods.add(guarded(method, budget));
        }
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        methods.forEach(method -> descriptor.addMethod(method.getMethodDescriptor()));
        ServerServiceDefinition.Builder wrapped = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(wrapped::addMethod);
        return wrapped.build();
    }

    private static <Q, R> ServerMethodDefinition<Object, R> guarded(ServerMethodDefinition<Q, R> definition, RequestBudget budget) {
        MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
        MethodDescriptor<Object, R> lenient = method.toBuilder(
                new LenientMarshaller<>(method, RequestSizeLimits.of(method.getFullMethodName()), budget),
                method.getResponseMarshaller()).build();
        ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
        return ServerMethodDefinition.create(lenient, (call, headers) -> startCall(method, handler, call, headers));
    }

    @SuppressWarnings("unchecked")
    private static <Q, R> ServerCall.Listener<Object> startCall(MethodDescriptor<Q, R> method, ServerCallHandler<Q, R> handler,
                                                                ServerCall<Object, R> call, Metadata headers) {
        ClosingCall<R> closing = new ClosingCall<>(call);
        ServerCall.Listener<Q> inner;
        try {
            inner = handler.startCall((ServerCall<Q, R>) (ServerCall<?, R>) closing, headers);
        } catch (RuntimeException | StackOverflowError failure) {
            closing.fault(method, failure);
            return new ServerCall.Listener<>() {
            };
        }
        return new GuardedListener<>(method, closing, inner);
    }

    /**
     * Parses with the method's own marshaller, within the method's size limit and the budget; a
     * failure becomes an {@link Unparseable} instead of an exception.
     */
    private record LenientMarshaller<Q>(MethodDescriptor<Q, ?> method, int limit, RequestBudget budget)
            implements MethodDescriptor.Marshaller<Object> {
        @Override
        @SuppressWarnings("unchecked")
        public InputStream stream(Object value) {
            return method.getRequestMarshaller().stream((Q) value);
        }

        @Override
        public Object parse(InputStream stream) {
            InputStream sized;
            long size;
            try {
                if (stream instanceof KnownLength) {
                    // grpc-java hands over an uncompressed message whole, its length known.
                    sized = stream;
                    size = stream.available();
                } else {
                    // A decompressing stream: read at most one byte past the limit to learn which side it is.
                    byte[] bytes = stream.readNBytes(limit + 1);
                    sized = new ByteArrayInputStream(bytes);
                    size = bytes.length;
                }
            } catch (IOException | RuntimeException unreadable) {
                return new Unparseable(malformed(unreadable));
            }
            if (size > limit) {
                return new Unparseable(tooLarge(size));
            }
            RequestBudget.Lease lease = budget.tryTake(size);
            if (lease == null) {
                return new Unparseable(GatewayStatus.atCapacity("The gateway is already handling as many request bytes as its heap allows ("
                        + budget.capacity() + "); retry " + method.getFullMethodName() + " shortly", BUDGET_RETRY_DELAY));
            }
            // The call's context is cancelled when the call ends, however it ends (even when an
            // interceptor refused it and the message never reached a handler): then the bytes go back.
            if (Context.current() instanceof Context.CancellableContext call) {
                call.addListener(ended -> lease.giveBack(), MoreExecutors.directExecutor());
            }
            try {
                return parsed(sized);
            } finally {
                if (!(Context.current() instanceof Context.CancellableContext)) {
                    lease.giveBack(); // no call to outlive (not on a server call's thread): held only while parsing
                }
            }
        }

        private StatusRuntimeException tooLarge(long size) {
            String shown = size == limit + 1L ? "more than " + limit : Long.toString(size); // a compressed one is read only that far
            return GatewayStatus.build(com.google.rpc.Code.RESOURCE_EXHAUSTED, "The request to " + method.getFullMethodName()
                            + " is " + shown + " bytes; that method takes at most " + limit + " bytes (IoT Hub's limits on what it"
                            + " carries, encoded as protobuf)", GatewayStatus.DOMAIN, GatewayStatus.REQUEST_TOO_LARGE,
                    Map.of("method", method.getFullMethodName(), "limitBytes", Integer.toString(limit)), null);
        }

        private Object parsed(InputStream stream) {
            try {
                return method.parseRequest(stream);
            } catch (StatusRuntimeException failure) {
                if (failure.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                    return new Unparseable(failure);
                }
                return new Unparseable(malformed(failure.getCause() != null ? failure.getCause() : failure));
            } catch (RuntimeException | StackOverflowError failure) {
                return new Unparseable(malformed(failure));
            }
        }

        private StatusRuntimeException malformed(Throwable failure) {
            String reason = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
            return GatewayStatus.malformedRequest("The request is not a valid " + method.getFullMethodName()
                    + " request message: " + reason);
        }
    }

    /** Remembers whether the call was closed, so a guard never closes it twice. */
    private static final class ClosingCall<R> extends ForwardingServerCall.SimpleForwardingServerCall<Object, R> {
        private volatile boolean closed;

        ClosingCall(ServerCall<Object, R> call) {
            super(call);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            closed = true;
            super.close(status, trailers);
        }

        boolean closed() {
            return closed;
        }

        /** Closes with {@code failure}'s status unless the call is already closed. */
        void refuse(StatusRuntimeException failure) {
            if (!closed) {
                close(failure.getStatus(), failure.getTrailers() == null ? new Metadata() : failure.getTrailers());
            }
        }

        void fault(MethodDescriptor<?, ?> method, Throwable failure) {
            LOG.error("{} failed in the gateway; the caller gets INTERNAL", method.getFullMethodName(), failure);
            refuse(GatewayStatus.fault("The gateway failed: " + failure.getClass().getSimpleName()));
        }
    }

    private static final class GuardedListener<Q, R> extends ServerCall.Listener<Object> {
        private final MethodDescriptor<Q, R> method;
        private final ClosingCall<R> call;
        private final ServerCall.Listener<Q> delegate;
        private final boolean oneRequest;
        private int requests;

        GuardedListener(MethodDescriptor<Q, R> method, ClosingCall<R> call, ServerCall.Listener<Q> delegate) {
            this.method = method;
            this.call = call;
            this.delegate = delegate;
            this.oneRequest = method.getType().clientSendsOneMessage();
        }

        @Override
        @SuppressWarnings("unchecked")
        public void onMessage(Object message) {
            if (call.closed()) {
                return;
            }
            if (message instanceof Unparseable unparseable) {
                call.refuse(unparseable.failure());
                return;
            }
            if (oneRequest && ++requests > 1) {
                call.refuse(cardinality("sent more than one request message"));
                return;
            }
            guard(() -> delegate.onMessage((Q) message));
        }

        @Override
        public void onHalfClose() {
            if (call.closed()) {
                return;
            }
            if (oneRequest && requests == 0) {
                call.refuse(cardinality("sent no request message"));
                return;
            }
            guard(delegate::onHalfClose);
        }

        @Override
        public void onCancel() {
            guard(delegate::onCancel);
        }

        @Override
        public void onComplete() {
            guard(delegate::onComplete);
        }

        @Override
        public void onReady() {
            guard(delegate::onReady);
        }

        private void guard(Runnable step) {
            try {
                step.run();
            } catch (RuntimeException | StackOverflowError failure) {
                call.fault(method, failure);
            }
        }

        private StatusRuntimeException cardinality(String what) {
            return GatewayStatus.of(com.google.rpc.Code.UNIMPLEMENTED, method.getFullMethodName()
                    + " takes exactly one request message; the client " + what, "REQUEST_CARDINALITY");
        }
    }
}
