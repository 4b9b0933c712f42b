package io.hubgate.bench;

import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.TwinServiceGrpc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's async stubs on {@code n} plaintext channels (each its own HTTP/2 connection),
 * call number i on channel i mod n. With a token, every call carries it as a bearer token.
 * Thread-safe, as gRPC stubs are; closing shuts the channels down.
 */
final class GatewayStubs implements AutoCloseable {

    private final List<ManagedChannel> channels;
    private final List<TwinServiceGrpc.TwinServiceStub> twins = new ArrayList<>();
    private final List<RegistryServiceGrpc.RegistryServiceStub> registry = new ArrayList<>();

    private GatewayStubs(List<ManagedChannel> channels, String bearerToken) {
        this.channels = channels;
        for (ManagedChannel managed : channels) {
            Channel channel = bearerToken == null ? managed : ClientInterceptors.intercept(managed, bearer(bearerToken));
            twins.add(TwinServiceGrpc.newStub(channel));
            registry.add(RegistryServiceGrpc.newStub(channel));
        }
    }

    /** @param bearerToken the caller's token, or null for a gateway without caller auth */
    static GatewayStubs open(int port, int channelCount, String bearerToken) {
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < channelCount; i++) {
            channels.add(ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
        }
        return new GatewayStubs(List.copyOf(channels), bearerToken);
    }

    TwinServiceGrpc.TwinServiceStub twins(int sequence) {
        return twins.get(Math.floorMod(sequence, twins.size()));
    }

    RegistryServiceGrpc.RegistryServiceStub registry(int sequence) {
        return registry.get(Math.floorMod(sequence, registry.size()));
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
        }
    }
}
