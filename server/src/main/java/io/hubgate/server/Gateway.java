package io.hubgate.server;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.hubgate.server.auth.AuthenticationInterceptor;
import io.hubgate.server.auth.AuthorizationInterceptor;
import io.hubgate.server.auth.RoleJobAccess;
import io.hubgate.server.auth.RoleKeyAccess;
import io.hubgate.server.auth.Authenticators;
import io.hubgate.server.auth.JwksRefreshes;
import io.hubgate.server.auth.CallerAuthenticator;
import io.hubgate.server.auth.AuthSettings;
import io.hubgate.server.auth.JobAccess;
import io.hubgate.server.service.JobServiceImpl;
import io.hubgate.server.service.JobWatchers;
import io.hubgate.server.auth.KeyAccess;
import io.hubgate.server.service.PageTokens;
import io.hubgate.server.auth.AuthContext;
import io.hubgate.server.config.PageTokenKey;
import io.hubgate.server.service.MethodServiceImpl;
import io.hubgate.server.service.RegistryServiceImpl;
import io.hubgate.server.service.TwinServiceImpl;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.embedded.EmbeddedHub;
import io.hubgate.server.config.OperationsSettings;
import io.hubgate.server.hub.HubConnection;
import io.hubgate.server.hub.HubClients;
import io.hubgate.server.hub.HubCredentialCheck;
import io.hubgate.server.hub.UpstreamCalls;
import io.hubgate.server.hub.UpstreamTelemetry;
import io.hubgate.server.observability.AccessLogInterceptor;
import io.hubgate.server.observability.CredentialMetrics;
import io.hubgate.server.observability.Telemetry;
import io.hubgate.server.observability.OperatorEndpoints;
import io.hubgate.server.observability.RequestIdInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The whole gateway, wired from one configuration: hub connection (or the {@link EmbeddedHub}),
 * bounded upstream executor, API services, interceptors, gRPC server. Starts and stops them in
 * order.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final HubConnection hub;
    private final EmbeddedHub embedded;
    private final UpstreamCalls calls;
    private final JobWatchers jobWatchers;
    private final GatewayServer server;
    private final String callers;
    /** The operator's endpoints beside the API (metrics, traces, health port); set once, as it starts. */
    private volatile OperatorEndpoints operator = OperatorEndpoints.none();

    private Gateway(GatewayConfig config, HubConnection hub, EmbeddedHub embedded, UpstreamCalls calls,
                    JobWatchers jobWatchers, GatewayServer server, String callers) {
        this.callers = callers;
        this.config = config;
        this.hub = hub;
        this.embedded = embedded;
        this.calls = calls;
        this.jobWatchers = jobWatchers;
        this.server = server;
    }

    /** Connects to the hub (or starts the embedded one) and starts serving. */
    public static Gateway start(GatewayConfig config) throws Exception {
        return start(config, com.azure.core.util.Configuration.getGlobalConfiguration());
    }

    /**
     * As {@link #start(GatewayConfig)}, and then the operator's endpoints of {@code operations}
     * (health port …); a failure to start them stops the gateway again.
     */
    public static Gateway start(GatewayConfig config, OperationsSettings operations) throws Exception {
        return start(config, com.azure.core.util.Configuration.getGlobalConfiguration(), operations);
    }

    /** As {@link #start(GatewayConfig, OperationsSettings)}, with Azure's variables read from {@code environment}. */
    public static Gateway start(GatewayConfig config, com.azure.core.util.Configuration environment,
                                OperationsSettings operations) throws Exception {
        OperatorEndpoints operator = OperatorEndpoints.open(operations, config.bindAddress());
        Gateway gateway;
        try {
            gateway = start(config, environment, null, operator);
        } catch (Exception e) {
            operator.close();
            throw e;
        }
        try {
            operator.serveHealth(gateway.server.healthService());
        } catch (Exception e) {
            gateway.close();
            throw e;
        }
        return gateway;
    }

    /** As {@link #start(GatewayConfig)}, with Azure's variables read from {@code environment}. */
    public static Gateway start(GatewayConfig config, com.azure.core.util.Configuration environment) throws Exception {
        return start(config, environment, (ServerInterceptor) null);
    }

    /**
     * As {@link #start(GatewayConfig, com.azure.core.util.Configuration)}; a non-null
     * {@code authenticationOverride} takes authentication's place in the chain (tests of the
     * authorization policy that set the principal themselves).
     */
    static Gateway start(GatewayConfig config, com.azure.core.util.Configuration environment,
                         ServerInterceptor authenticationOverride) throws Exception {
        return start(config, environment, authenticationOverride, OperatorEndpoints.none());
    }

    private static Gateway start(GatewayConfig config, com.azure.core.util.Configuration environment,
                                 ServerInterceptor authenticationOverride, OperatorEndpoints operator) throws Exception {
        HubConnection.sizeKeepAlivePool(config.maxConcurrentCalls());
        EmbeddedHub embedded = config.embeddedHub() ? EmbeddedHub.start() : null;
        HubConnection hub = embedded != null ? embedded.connection() : HubConnection.open(config, environment);
        UpstreamCalls calls = null;
        JobWatchers jobWatchers = null;
        CompletableFuture<Boolean> credentialCheck = null;
        try {
            // The check waits for the hub (or Entra) for up to its timeout, while building the
            // services and the server is CPU work: they overlap. The server starts (and health says
            // SERVING) only once the check is done, so that its WARN still comes before serving.
            credentialCheck = startCredentialCheck(hub.clients());
            Telemetry telemetry = operator.telemetry();
            calls = new UpstreamCalls(hub.clients(), config.maxConcurrentCalls(), config.maxQueuedCalls(),
                    config.upstreamTimeout(), telemetry.recording()
                            ? new UpstreamTelemetry(telemetry.meter(), telemetry.tracer()) : UpstreamTelemetry.off());
            CredentialMetrics.observeHubToken(telemetry.meter(), hub.tokenStatus(), Clock.systemUTC());
            PageTokens tokens = new PageTokens((config.pageTokenKey() != null ? config.pageTokenKey()
                    : PageTokenKey.random()).bytes(), () -> AuthContext.current().identity());
            jobWatchers = new JobWatchers(calls, JobWatchers.DEFAULT_INTERVAL);
            List<BindableService> services = List.of(
                    // Keys only for Keys.Read, whenever callers are authenticated (and so authorized).
                    new RegistryServiceImpl(calls, config.auth().disabled() ? KeyAccess.ANYONE : new RoleKeyAccess(), tokens),
                    new TwinServiceImpl(calls, tokens),
                    new MethodServiceImpl(calls),
                    // A job takes the role of what it does (Twin.Write or Method.Invoke), whenever callers are authorized.
                    new JobServiceImpl(calls, config.auth().disabled() ? JobAccess.ANYONE : new RoleJobAccess(), jobWatchers,
                            tokens));
            AuthSettings auth = embedded != null ? embedded.callerAuth(config.auth()) : config.auth();
            JwksRefreshes jwksRefreshes = new JwksRefreshes();
            List<ServerInterceptor> api = interceptors(config, auth, authenticationOverride, jwksRefreshes);
            if (auth.jwtConfigured()) {
                CredentialMetrics.observeJwks(telemetry.meter(), jwksRefreshes);
            }
            // Health and reflection: open by default; with --protect-health, authenticated (no roles needed).
            List<ServerInterceptor> infrastructure = auth.protectHealth() && !auth.disabled()
                    ? api.subList(0, api.size() - 1) : List.of();
            GatewayServer built = new GatewayServer(config, services, api, infrastructure, operator::configure);
            credentialCheck.join();
            GatewayServer server = built.start();
            String callers = callersDescription(auth);
            LOG.info("hubgate serving gRPC on {}:{} ({}) for {}; {}", config.bindAddress(), server.port(),
                    config.plaintext() ? "plaintext, loopback only" : "TLS", hub.description(), callers);
            Gateway gateway = new Gateway(config, hub, embedded, calls, jobWatchers, server, callers);
            gateway.operator = operator;
            return gateway;
        } catch (Exception e) {
            if (credentialCheck != null) {
                // As before the overlap: the check ends (bounded by its timeout) before the hub is
                // closed under it, so a failed start is not followed by the check's own errors.
                credentialCheck.join();
            }
            if (jobWatchers != null) {
                jobWatchers.close();
            }
            if (calls != null) {
                calls.close();
            }
            hub.close();
            throw e;
        }
    }

    /** Runs {@link HubCredentialCheck#atStart} on a thread of its own (it never fails: it logs). */
    private static CompletableFuture<Boolean> startCredentialCheck(HubClients clients) {
        return CompletableFuture.supplyAsync(() -> HubCredentialCheck.atStart(clients), runnable -> {
            Thread thread = new Thread(runnable, "hub-credential-check-start");
            thread.setDaemon(true);
            thread.start();
        });
    }

    /**
     * The API's interceptors, outermost first: request id, access log, caller authentication,
     * authorization against the access policy, then the handler. With --insecure-no-auth there
     * is neither authentication nor authorization.
     */
    static List<ServerInterceptor> interceptors(GatewayConfig config, AuthSettings auth, ServerInterceptor authenticationOverride)
            throws java.io.IOException {
        return interceptors(config, auth, authenticationOverride, new JwksRefreshes());
    }

    /** As {@link #interceptors(GatewayConfig, AuthSettings, ServerInterceptor)}, the JWKS refreshes counted by {@code jwks}. */
    private static List<ServerInterceptor> interceptors(GatewayConfig config, AuthSettings auth,
                                                        ServerInterceptor authenticationOverride, JwksRefreshes jwks)
            throws java.io.IOException {
        List<ServerInterceptor> chain = new ArrayList<>(List.of(new RequestIdInterceptor(), new AccessLogInterceptor()));
        if (auth.disabled()) {
            return List.copyOf(chain);
        }
        if (authenticationOverride != null) {
            chain.add(authenticationOverride);
        } else {
            List<CallerAuthenticator> authenticators = Authenticators.from(auth, Clock.systemUTC(), jwks);
            if (authenticators.isEmpty()) {
                throw new IllegalArgumentException("no caller authentication configured: give --jwt-issuer and "
                        + "--jwt-audience, --client-ca, or --api-keys-file");
            }
            chain.add(new AuthenticationInterceptor(authenticators));
        }
        chain.add(new AuthorizationInterceptor(config.accessPolicy()));
        return List.copyOf(chain);
    }

    /**
     * How callers authenticate, for the startup line. Where a caller gets a token on the embedded
     * hub is said by {@link EmbeddedHub#callerHint}, which knows whether the user asked
     * for the credentials file.
     */
    private static String callersDescription(AuthSettings auth) {
        if (auth.disabled()) {
            return "callers: NOT AUTHENTICATED (--insecure-no-auth)";
        }
        List<String> kinds = new ArrayList<>();
        if (auth.jwtConfigured()) {
            kinds.add("Bearer JWT of " + String.join(" or ", auth.jwtIssuers()) + " for " + String.join(" or ", auth.jwtAudiences()));
        }
        if (auth.apiKeysFile() != null) {
            kinds.add("API key (x-api-key)");
        }
        if (auth.clientCa() != null) {
            kinds.add("client certificate" + (auth.requireClientCert() ? " (required)" : ""));
        }
        return "callers: " + String.join(", ", kinds);
    }

    /** Who may call and how, as printed at start (no secret in it). */
    public String callers() {
        return callers;
    }

    public GatewayConfig config() {
        return config;
    }

    public int port() {
        return server.port();
    }

    public HubConnection hub() {
        return hub;
    }

    /** The hub this gateway started in its own process, or null when a hub is configured. */
    public EmbeddedHub embeddedHub() {
        return embedded;
    }

    /** The operator's endpoints beside the API (none unless started with {@link OperationsSettings}). */
    public OperatorEndpoints operator() {
        return operator;
    }

    /** Graceful stop: NOT_SERVING, drain in-flight calls for the configured grace, then release the hub. */
    @Override
    public void close() throws Exception {
        // Watches last as long as their jobs: end them first so they do not hold up the drain.
        jobWatchers.close();
        boolean drained = server.shutdown(config.shutdownGrace());
        operator.close();
        calls.shutdown(GatewayServer.FORCED_STOP_WAIT);
        hub.close();
        LOG.info("hubgate stopped{}", drained ? "" : " (some calls were cancelled after the grace period)");
    }

    /** The WatchJob pollers, for tests that check a watch stops reading once its callers left. */
    public JobWatchers jobWatchers() {
        return jobWatchers;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }
}
