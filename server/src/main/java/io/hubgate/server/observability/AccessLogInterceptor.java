package io.hubgate.server.observability;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.hubgate.server.auth.AuthContext;

/**
 * One log line per call when it ends: request id, caller, method, status and duration. It never
 * logs metadata or messages, so no token, key or twin content reaches the log; the caller is the
 * authenticated principal's description (set by the authentication interceptor inside this one,
 * so it is read when the call closes).
 */
public final class AccessLogInterceptor implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        String requestId = RequestIdInterceptor.current();
        String traceId = ServerTracing.currentTraceId();
        String method = call.getMethodDescriptor().getFullMethodName();
        ServerCall<Q, R> logging = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                long micros = (System.nanoTime() - start) / 1000;
                AccessLogEntry.write(requestId, traceId, AuthContext.current().describe(), method, status, micros);
                super.close(status, trailers);
            }
        };
        return next.startCall(logging, headers);
    }
}
