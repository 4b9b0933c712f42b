import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;

import java.net.InetSocketAddress;

/**
 * The floor of start to SERVING on this machine: a JVM with nothing but a grpc-netty server
 * and the health service (the gateway's transport and the service the bench asks), bound to
 * 127.0.0.1:0, announcing its port with the gateway's banner so that StartupCost can time it.
 * Compile it onto the class path (javac -d DIR -cp CP bench/profiling/StartFloor.java) and name
 * it in a variant: floor=DIR:CP|main=StartFloor.
 */
public class StartFloor {
    public static void main(String[] args) throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(health.getHealthService()).build().start();
        health.setStatus("", ServingStatus.SERVING);
        System.out.println("hubgate is serving gRPC on 127.0.0.1:" + server.getPort() + " (floor)");
        server.awaitTermination();
    }
}
