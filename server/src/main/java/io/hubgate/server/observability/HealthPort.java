package io.hubgate.server.observability;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A second, plaintext gRPC port that serves the gateway's health service and nothing else. For
 * probes that cannot speak TLS, such as the kubelet's native gRPC probes, beside an API port that
 * must: it reveals only SERVING or NOT_SERVING, so it may listen on any address, and it answers
 * the same statuses as the API port (NOT_SERVING from the start of a graceful stop). It does not
 * serve reflection, the API or anything else.
 */
final class HealthPort implements AutoCloseable {

    private final Server server;

    private HealthPort(Server server) {
        this.server = server;
    }

    /** Starts serving {@code health} on {@code bindAddress:port} (0: any free port). */
    public static HealthPort start(String bindAddress, int port, BindableService health) throws IOException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getByName(bindAddress), port))
                .addService(health)
                .build()
                .start();
        return new HealthPort(server);
    }

    public int port() {
        return server.getPort();
    }

    /** Stops at once: health checks are short, and by now the API port has drained. */
    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
