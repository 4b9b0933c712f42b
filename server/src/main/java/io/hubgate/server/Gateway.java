package io.hubgate.server;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.hubgate.server.api.KeyAccess;
import io.hubgate.server.api.MethodServiceImpl;
import io.hubgate.server.api.RegistryServiceImpl;
import io.hubgate.server.api.TwinServiceImpl;
import io.hubgate.server.auth.AuthorizationInterceptor;
import io.hubgate.server.auth.RoleKeyAccess;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.hub.HubConnection;
import io.hubgate.server.hub.UpstreamCalls;
import io.hubgate.server.observability.AccessLogInterceptor;
import io.hubgate.server.observability.RequestIdInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole gateway, wired from one configuration: hub connection (or embedded emulator),
 * bounded upstream executor, API services, interceptors, gRPC server. Starts and stops them in
 * order.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final HubConnection hub;
    private final UpstreamCalls calls;
    private final GatewayServer server;

    private Gateway(GatewayConfig config, HubConnection hub, UpstreamCalls calls, GatewayServer server) {
        this.config = config;
        this.hub = hub;
        this.calls = calls;
        this.server = server;
    }

    /** Connects to the hub (or starts the embedded one) and starts serving. */
    public static Gateway start(GatewayConfig config) throws Exception {
        return start(config, com.azure.core.util.Configuration.getGlobalConfiguration());
    }

    /** As {@link #start(GatewayConfig)}, with Azure's variables read from {@code environment}. */
    public static Gateway start(GatewayConfig config, com.azure.core.util.Configuration environment) throws Exception {
        return start(config, environment, null);
    }

    /**
     * As {@link #start(GatewayConfig, com.azure.core.util.Configuration)}, with {@code authentication}
     * (or null for none) as the interceptor that puts the caller's principal in
     * {@link io.hubgate.server.auth.AuthContext#PRINCIPAL} before authorization looks at it.
     */
    static Gateway start(GatewayConfig config, com.azure.core.util.Configuration environment,
                         ServerInterceptor authentication) throws Exception {
        HubConnection hub = HubConnection.open(config, environment);
        UpstreamCalls calls = null;
        try {
            calls = new UpstreamCalls(hub.clients(), config.maxConcurrentCalls(), config.maxQueuedCalls(),
                    config.upstreamTimeout());
            List<BindableService> services = List.of(
                    new RegistryServiceImpl(calls, config.authorization() ? new RoleKeyAccess() : KeyAccess.ANYONE),
                    new TwinServiceImpl(calls),
                    new MethodServiceImpl(calls));
            GatewayServer server = new GatewayServer(config, services, interceptors(config, authentication)).start();
            LOG.info("hubgate serving gRPC on {}:{} ({}) for {}", config.bindAddress(), server.port(),
                    config.plaintext() ? "plaintext, loopback only" : "TLS", hub.description());
            return new Gateway(config, hub, calls, server);
        } catch (Exception e) {
            if (calls != null) {
                calls.close();
            }
            hub.close();
            throw e;
        }
    }

    /**
     * The API's interceptors, outermost first: request id, access log, caller authentication,
     * authorization (when {@link GatewayConfig#authorization()} is on), then the handler.
     */
    static List<ServerInterceptor> interceptors(GatewayConfig config, ServerInterceptor authentication) {
        List<ServerInterceptor> chain = new ArrayList<>(List.of(new RequestIdInterceptor(), new AccessLogInterceptor()));
        if (authentication != null) {
            chain.add(authentication);
        }
        if (config.authorization()) {
            chain.add(new AuthorizationInterceptor(config.accessPolicy()));
        }
        return List.copyOf(chain);
    }

    public int port() {
        return server.port();
    }

    public HubConnection hub() {
        return hub;
    }

    /** Graceful stop: NOT_SERVING, drain in-flight calls for the configured grace, then release the hub. */
    @Override
    public void close() throws Exception {
        boolean drained = server.shutdown(config.shutdownGrace());
        calls.shutdown(GatewayServer.FORCED_STOP_WAIT);
        hub.close();
        LOG.info("hubgate stopped{}", drained ? "" : " (some calls were cancelled after the grace period)");
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }
}
