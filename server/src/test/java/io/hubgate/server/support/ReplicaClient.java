package io.hubgate.server.support;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.EquivalentAddressGroup;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A client of several gateway replicas as a service in production would be: one channel whose
 * name resolves to every replica's address (a static resolver, as {@code dns:///} would give the
 * headless Service's pod addresses) and gRPC's {@code round_robin} policy over them. It records,
 * for every call, which replica answered (the transport's remote port), with what status and when,
 * so a test can say where each call went. Thread-safe.
 */
public final class ReplicaClient implements AutoCloseable {

    /** One finished call: the replica's port (-1 when no replica was reached), its status and when it ended. */
    public record Served(int port, Status status, long endedNanos, String requestId) {
    }

    private final String scheme;
    private final NameResolverProvider resolver;
    private final ManagedChannel channel;
    private final List<Served> served = new CopyOnWriteArrayList<>();

    /** A round_robin channel over {@code ports} on loopback, plaintext. */
    public ReplicaClient(List<Integer> ports) {
        this.scheme = "hubgate-replicas-" + Long.toHexString(System.nanoTime());
        List<EquivalentAddressGroup> addresses = new ArrayList<>();
        for (int port : ports) {
            addresses.add(new EquivalentAddressGroup(new InetSocketAddress("127.0.0.1", port)));
        }
        this.resolver = new StaticProvider(scheme, List.copyOf(addresses));
        NameResolverRegistry.getDefaultRegistry().register(resolver);
        this.channel = ManagedChannelBuilder.forTarget(scheme + ":///gateways").defaultLoadBalancingPolicy("round_robin")
                .usePlaintext().build();
    }

    /** The balanced channel, every call recorded, with {@code interceptors} (a bearer token …) applied. */
    public Channel channel(ClientInterceptor... interceptors) {
        return ClientInterceptors.intercept(ClientInterceptors.intercept(channel, interceptors), new Recorder());
    }

    /** Every call finished so far, in the order they finished. */
    public List<Served> served() {
        return List.copyOf(served);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        NameResolverRegistry.getDefaultRegistry().deregister(resolver);
    }

    /** Notes where each call went and how it ended. */
    private final class Recorder implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            ClientCall<Q, R> call = next.newCall(method, options);
            return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        private volatile String requestId;

                        @Override
                        public void onHeaders(Metadata responseHeaders) {
                            requestId = responseHeaders.get(io.hubgate.server.observability.RequestIdInterceptor.HEADER);
                            super.onHeaders(responseHeaders);
                        }

                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                            int port = remote instanceof InetSocketAddress inet ? inet.getPort() : -1;
                            served.add(new Served(port, status, System.nanoTime(), requestId));
                            super.onClose(status, trailers);
                        }
                    }, headers);
                }
            };
        }
    }

    /** Resolves its own scheme to a fixed list of addresses. */
    private static final class StaticProvider extends NameResolverProvider {
        private final String scheme;
        private final List<EquivalentAddressGroup> addresses;

        StaticProvider(String scheme, List<EquivalentAddressGroup> addresses) {
            this.scheme = scheme;
            this.addresses = addresses;
        }

        @Override
        protected boolean isAvailable() {
            return true;
        }

        @Override
        protected int priority() {
            return 5;
        }

        @Override
        public String getDefaultScheme() {
            return scheme;
        }

        @Override
        public NameResolver newNameResolver(URI target, NameResolver.Args args) {
            if (!scheme.equals(target.getScheme())) {
                return null;
            }
            return new NameResolver() {
                @Override
                public String getServiceAuthority() {
                    return "gateways";
                }

                @Override
                public void start(Listener2 listener) {
                    listener.onResult(ResolutionResult.newBuilder().setAddressesOrError(
                            io.grpc.StatusOr.fromValue(addresses)).build());
                }

                @Override
                public void shutdown() {
                }
            };
        }
    }
}
