package io.hubgate.bench;

import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.MetadataUtils;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.TwinServiceGrpc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's async stubs on {@code n} plaintext channels (each its own HTTP/2 connection),
 * call number i on channel i mod n. With a token, every call carries it as a bearer token.
 * The channels run on an event loop (NIO, one thread per core) and a thread pool of their own,
 * whose threads are named as the load's
 * ({@link Load#THREAD_PREFIX}), so that the client's CPU can be read apart from the emulator's.
 * Thread-safe, as gRPC stubs are; closing shuts the channels and their threads down.
 */
final class GatewayStubs implements AutoCloseable {

    private final List<ManagedChannel> channels;
    private final NioEventLoopGroup eventLoop;
    private final ExecutorService executor;
    private final List<TwinServiceGrpc.TwinServiceStub> twins = new ArrayList<>();
    private final List<RegistryServiceGrpc.RegistryServiceStub> registry = new ArrayList<>();
    private final HealthGrpc.HealthStub health;

    private GatewayStubs(List<ManagedChannel> channels, NioEventLoopGroup eventLoop, ExecutorService executor, String bearerToken) {
        this.channels = channels;
        this.eventLoop = eventLoop;
        this.executor = executor;
        for (ManagedChannel managed : channels) {
            Channel channel = bearerToken == null ? managed : ClientInterceptors.intercept(managed, bearer(bearerToken));
            twins.add(TwinServiceGrpc.newStub(channel));
            registry.add(RegistryServiceGrpc.newStub(channel));
        }
        this.health = HealthGrpc.newStub(channels.get(0));
    }

    /** @param bearerToken the caller's token, or null for a gateway without caller auth */
    static GatewayStubs open(int port, int channelCount, String bearerToken) {
        NioEventLoopGroup eventLoop = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory(Load.THREAD_PREFIX + "-grpc-nio", true));
        ExecutorService executor = Executors.newCachedThreadPool(new DefaultThreadFactory(Load.THREAD_PREFIX + "-grpc-exec", true));
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < channelCount; i++) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).eventLoopGroup(eventLoop)
                    .channelType(NioSocketChannel.class).executor(executor).usePlaintext().build());
        }
        return new GatewayStubs(List.copyOf(channels), eventLoop, executor, bearerToken);
    }

    TwinServiceGrpc.TwinServiceStub twins(int sequence) {
        return twins.get(Math.floorMod(sequence, twins.size()));
    }

    RegistryServiceGrpc.RegistryServiceStub registry(int sequence) {
        return registry.get(Math.floorMod(sequence, registry.size()));
    }

    /** The health service on the first channel: a bare gRPC round trip (no auth, no upstream). */
    HealthGrpc.HealthStub health() {
        return health;
    }

    int channelCount() {
        return channels.size();
    }

    private static ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        try {
            for (ManagedChannel channel : channels) {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdown();
            eventLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        }
    }
}
