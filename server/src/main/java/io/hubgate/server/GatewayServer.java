package io.hubgate.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.service.RequestSizeLimits;
import io.hubgate.server.tls.TlsFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server and nothing else: binds, serves the API with health and reflection (v1 and
 * v1alpha) on a bounded pool of handler threads, every service behind the {@link RequestGuard},
 * and stops gracefully — health turns NOT_SERVING while calls are still served for a short notice
 * (a load balancer that has not yet seen NOT_SERVING may still route some here), then new calls
 * are refused, in-flight calls get the grace period to finish, and whatever remains is cancelled.
 */
final class GatewayServer {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

    /** After the grace period, calls still running get this long to see their cancellation. */
    static final Duration FORCED_STOP_WAIT = Duration.ofSeconds(5);
    /** How long health answers NOT_SERVING before new calls are refused (bounded by a quarter of the grace). */
    static final Duration NOT_SERVING_NOTICE = Duration.ofSeconds(1);

    /** Handler threads beyond one per upstream slot: for the work that never waits for IoT Hub. */
    static final int SPARE_HANDLER_THREADS = 16;

    private final Server server;
    private final java.util.concurrent.ExecutorService executor;
    /** host:port as configured, for messages. */
    private final String address;
    private final HealthStatusManager health = new HealthStatusManager();
    private final List<String> serviceNames;

    /** The largest header block a caller may send: room for a large Entra token and the usual headers. */
    public static final int MAX_INBOUND_METADATA_BYTES = 64 * 1024;

    /**
     * @param services                   the API services
     * @param interceptors               applied to every API call, outermost first
     * @param infrastructureInterceptors applied to health and reflection (empty: they are open,
     *                                   so probes and tooling need no credential)
     */
    public GatewayServer(GatewayConfig config, List<BindableService> services, List<ServerInterceptor> interceptors,
                         List<ServerInterceptor> infrastructureInterceptors) throws IOException {
        this(config, services, interceptors, infrastructureInterceptors, builder -> { });
    }

    /**
     * @param instrumentation adds to the server before it is built what observes every call
     *                        (metrics, spans): see {@code OperatorEndpoints#configure}
     */
    public GatewayServer(GatewayConfig config, List<BindableService> services, List<ServerInterceptor> interceptors,
                         List<ServerInterceptor> infrastructureInterceptors,
                         java.util.function.Consumer<io.grpc.ServerBuilder<?>> instrumentation) throws IOException {
        this.address = config.bindAddress() + ":" + config.port();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getByName(config.bindAddress()), config.port()));
        if (config.plaintext()) {
            if (!InetAddress.getByName(config.bindAddress()).isLoopbackAddress()) {
                throw new IllegalArgumentException("plaintext is allowed only on a loopback address, not on "
                        + config.bindAddress() + "; configure --tls-cert and --tls-key");
            }
        } else {
            List<java.security.cert.X509Certificate> chain = TlsFiles.certificateChain(config.tlsCertificate());
            SslContextBuilder ssl = SslContextBuilder.forServer(
                    TlsFiles.privateKey(config.tlsPrivateKey()), chain.toArray(java.security.cert.X509Certificate[]::new));
            if (config.auth().clientCa() != null) {
                // The TLS layer verifies client certificates against the bundle (chain, validity,
                // proof of possession); MtlsAuthenticator only names the caller.
                ssl.trustManager(TlsFiles.certificateChain(config.auth().clientCa()).toArray(java.security.cert.X509Certificate[]::new))
                        .clientAuth(config.auth().requireClientCert() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
            }
            builder.sslContext(GrpcSslContexts.configure(ssl).build());
        }
        // Caller headers up to 64 KiB (grpc-java's default is 8 KiB): an Entra access token with
        // many group or role claims reaches 7-10 KB, and over the limit the transport answers
        // HTTP 431 (UNKNOWN to the client) or, far over it, GOAWAY for the whole connection, long
        // before authentication could say what is wrong.
        builder.maxInboundMetadataSize(MAX_INBOUND_METADATA_BYTES);
        // The transport's bound on one message: the largest any method takes (grpc-java's default
        // is 4 MiB). Each method's own, smaller limit is checked before parsing (RequestGuard),
        // with a message naming it; beyond this one the transport refuses the message unread.
        builder.maxInboundMessageSize(RequestSizeLimits.largest());
        RequestBudget budget = RequestBudget.forHeap(Runtime.getRuntime().maxMemory(), RequestSizeLimits.largest());
        this.executor = handlerExecutor(config.maxConcurrentCalls());
        builder.executor(executor);
        builder.addStreamTracerFactory(new io.hubgate.server.observability.StreamOutcome());
        List<ServerInterceptor> reversed = new java.util.ArrayList<>(interceptors);
        java.util.Collections.reverse(reversed); // intercept() wraps the last one outermost
        this.serviceNames = services.stream().map(s -> s.bindService().getServiceDescriptor().getName()).toList();
        for (BindableService service : services) {
            builder.addService(ServerInterceptors.intercept(
                    RequestGuard.wrap(ErrorDetailsSchema.declaredIn(service.bindService()), budget), reversed));
        }
        List<ServerInterceptor> infrastructure = new java.util.ArrayList<>(infrastructureInterceptors);
        java.util.Collections.reverse(infrastructure);
        builder.addService(ServerInterceptors.intercept(RequestGuard.wrap(health.getHealthService().bindService(), budget), infrastructure));
        // Reflection in both versions: grpc.reflection.v1, and v1alpha for the many tools (ghz,
        // older grpcurl and Postman) that still speak only that one.
        builder.addService(ServerInterceptors.intercept(RequestGuard.wrap(ProtoReflectionServiceV1.newInstance().bindService(), budget),
                infrastructure));
        builder.addService(ServerInterceptors.intercept(RequestGuard.wrap(v1alphaReflection(), budget), infrastructure));
        instrumentation.accept(builder);
        this.server = builder.build();
    }

    /** The health service this server answers with: another port may serve the same statuses. */
    public BindableService healthService() {
        return health.getHealthService();
    }

    @SuppressWarnings("deprecation") // the v1alpha service is deprecated upstream, not gone: tools still need it
    private static io.grpc.ServerServiceDefinition v1alphaReflection() {
        return io.grpc.protobuf.services.ProtoReflectionService.newInstance().bindService();
    }

    /**
     * The threads that run every call's handlers and interceptors. Bounded, because grpc-java's
     * default is a cached pool that adds a thread whenever all are busy: under overload it grew
     * from about 80 to over 200 threads, each with its stack, for no more throughput. The size:
     * a unary call blocks its handler thread for as long as its upstream call runs when it gets
     * an upstream slot ({@code UpstreamCalls.runHere}), and there are {@code maxConcurrentCalls}
     * such slots; everything else a handler thread does (authentication, validation, refusals,
     * health, reflection, streaming callbacks) is short and never waits for IoT Hub, so
     * {@value #SPARE_HANDLER_THREADS} more threads keep that work flowing while every slot is
     * busy. The queue is unbounded on purpose: what a call can leave waiting is bounded
     * elsewhere (upstream work by --max-queued-calls, refused fast beyond it; a call's own
     * tasks are a few small runnables), and a task refused here would leave a call half-started
     * inside grpc-java.
     */
    static java.util.concurrent.ThreadPoolExecutor handlerExecutor(int maxConcurrentCalls) {
        int threads = maxConcurrentCalls + SPARE_HANDLER_THREADS;
        java.util.concurrent.atomic.AtomicInteger number = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ThreadPoolExecutor executor = new java.util.concurrent.ThreadPoolExecutor(threads, threads,
                60, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "grpc-handler-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true); // idle gateways keep no threads
        return executor;
    }

    /** Binds and serves; a port that cannot be bound is a {@link CannotListenException}. */
    public GatewayServer start() throws IOException {
        try {
            server.start();
        } catch (IOException bindFailure) {
            throw CannotListenException.of(address, bindFailure);
        }
        health.setStatus("", ServingStatus.SERVING);
        serviceNames.forEach(name -> health.setStatus(name, ServingStatus.SERVING));
        return this;
    }

    /**
     * Health turns NOT_SERVING for good (the API and every service name) while calls are still
     * served: for a fault that needs a restart, such as a log that can no longer be written.
     */
    public void notServing() {
        health.setStatus("", ServingStatus.NOT_SERVING);
        serviceNames.forEach(name -> health.setStatus(name, ServingStatus.NOT_SERVING));
    }

    public int port() {
        return server.getPort();
    }

    /**
     * Stops gracefully: NOT_SERVING first (load balancers stop sending), no new calls, then up to
     * {@code grace} for the calls in flight to complete.
     *
     * @return true when every call completed within the grace period
     */
    public boolean shutdown(Duration grace) throws InterruptedException {
        health.enterTerminalState();
        // Give health checkers a moment to see NOT_SERVING and stop routing here before the
        // server refuses new calls.
        Thread.sleep(Math.min(NOT_SERVING_NOTICE.toMillis(), grace.toMillis() / 4));
        server.shutdown();
        boolean drained = server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        if (!drained) {
            LOG.warn("Calls still running after {}; cancelling them", grace);
            server.shutdownNow();
            server.awaitTermination(FORCED_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        executor.shutdown();
        return drained;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }
}
