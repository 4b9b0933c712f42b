package io.hubgate.server.observability;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.hubgate.server.auth.AuthContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per call when it ends: request id, caller, method, status and duration. It never
 * logs metadata or messages, so no token, key or twin content reaches the log; the caller is the
 * authenticated principal's description (set by the authentication interceptor inside this one,
 * so it is read when the call closes).
 */
public final class AccessLogInterceptor implements ServerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger("hubgate.access");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        String requestId = RequestIdInterceptor.current();
        String method = call.getMethodDescriptor().getFullMethodName();
        ServerCall<Q, R> logging = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                long micros = (System.nanoTime() - start) / 1000;
                String caller = AuthContext.current().describe();
                if (status.isOk()) {
                    LOG.info("{} {} {} OK {}us", requestId, caller, method, micros);
                } else {
                    LOG.info("{} {} {} {} {}us: {}", requestId, caller, method, status.getCode(), micros, status.getDescription());
                }
                super.close(status, trailers);
            }
        };
        return next.startCall(logging, headers);
    }
}
