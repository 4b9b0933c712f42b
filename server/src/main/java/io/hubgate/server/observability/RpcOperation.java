package io.hubgate.server.observability;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Names the RPC a call serves in its gRPC {@link Context} ({@code GetTwin}, {@code CreateDevice} …),
 * so that whatever the call does upstream, on whichever thread, is labelled with it: the
 * {@code operation} of the upstream metrics and spans. The bare method name, a fixed set given by
 * the API, never a caller's value; work done for no one call (the shared job watcher) is
 * {@value #BACKGROUND}.
 *
 * <p>Installed by {@link Telemetry} only when metrics or tracing are on. Stateless.
 */
public final class RpcOperation implements ServerInterceptor {

    /** The operation of upstream work that serves no single call. */
    public static final String BACKGROUND = "background";

    private static final Context.Key<String> NAME = Context.key("hubgate-rpc-operation");

    /** The operation of the current call, or {@value #BACKGROUND}. */
    public static String current() {
        String name = NAME.get();
        return name == null ? BACKGROUND : name;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return Contexts.interceptCall(Context.current().withValue(NAME, call.getMethodDescriptor().getBareMethodName()),
                call, headers, next);
    }
}
