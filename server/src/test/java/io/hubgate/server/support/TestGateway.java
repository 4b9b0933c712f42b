package io.hubgate.server.support;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hubgate.api.v1.MethodServiceGrpc;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.server.Gateway;
import io.hubgate.server.config.GatewayConfig;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway on a real socket, on its embedded emulator, with plaintext stubs for it: the
 * whole chain client stub → gRPC → gateway → official SDK → HTTPS → emulator. One per test class.
 */
public final class TestGateway implements AutoCloseable {

    private final Gateway gateway;
    private final ManagedChannel channel;

    private TestGateway(Gateway gateway) {
        this.gateway = gateway;
        this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
    }

    public static TestGateway start() {
        return start(GatewayConfig.localDevelopment(0));
    }

    public static TestGateway start(GatewayConfig config) {
        try {
            return new TestGateway(Gateway.start(config));
        } catch (Exception e) {
            throw new IllegalStateException("the gateway did not start: " + e.getMessage(), e);
        }
    }

    public RegistryServiceGrpc.RegistryServiceBlockingStub registry() {
        return RegistryServiceGrpc.newBlockingStub(channel);
    }

    public TwinServiceGrpc.TwinServiceBlockingStub twins() {
        return TwinServiceGrpc.newBlockingStub(channel);
    }

    public TwinServiceGrpc.TwinServiceStub twinsAsync() {
        return TwinServiceGrpc.newStub(channel);
    }

    public MethodServiceGrpc.MethodServiceBlockingStub methods() {
        return MethodServiceGrpc.newBlockingStub(channel);
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** The embedded emulator behind the gateway: simulated devices, faults, direct store access. */
    public IotHubEmulator hub() {
        return gateway.hub().embeddedEmulator();
    }

    public Gateway gateway() {
        return gateway;
    }

    public int port() {
        return gateway.port();
    }

    /** A device id no other test uses. */
    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        gateway.close();
    }
}
