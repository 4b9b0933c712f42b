package io.hubgate.server.observability;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every call a request id: the caller's {@code x-request-id} when it is a sane token,
 * else a new UUID. It is put in the gRPC {@link Context} for logs and echoed to the caller, so a
 * caller can quote it when reporting a problem: in the response headers, or in the trailers when
 * the call ends without headers (a failed unary call is answered trailers-only, and a failed call
 * is the one a caller needs the id for). Interceptors inside this one (authentication, the
 * request guard) close refused calls through it, so their answers carry the id too.
 */
public final class RequestIdInterceptor implements ServerInterceptor {

    public static final Metadata.Key<String> HEADER = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    public static final Context.Key<String> REQUEST_ID = Context.key("hubgate-request-id");
    /** Caller-chosen ids are kept only if short and plain, so they cannot forge log lines. */
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String offered = headers.get(HEADER);
        String requestId = offered != null && SANE.matcher(offered).matches() ? offered : newId();
        ServerCall<Q, R> echoing = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            /** Volatile: gRPC never runs sendHeaders and close at once, but may run them on different threads. */
            private volatile boolean headersSent;

            @Override
            public void sendHeaders(Metadata responseHeaders) {
                headersSent = true;
                responseHeaders.put(HEADER, requestId);
                super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                if (!headersSent) {
                    trailers.put(HEADER, requestId);
                }
                super.close(status, trailers);
            }
        };
        return Contexts.interceptCall(Context.current().withValue(REQUEST_ID, requestId), echoing, headers, next);
    }

    /**
     * A random (version 4) UUID from the thread's own generator. A request id names a call in
     * logs and is no secret, so it needs no SecureRandom: UUID.randomUUID() read the shared
     * NativePRNG (a lock and a SHA-1 per call) on every call.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }

    /** The current call's request id, or "-" outside a call. */
    public static String current() {
        String id = REQUEST_ID.get();
        return id == null ? "-" : id;
    }
}
