package io.hubgate.server.support;

import com.nimbusds.jwt.JWTClaimsSet;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.server.auth.AuthSettings;
import io.grpc.ManagedChannelBuilder;
import io.hubgate.api.v1.MethodServiceGrpc;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.TwinServiceGrpc;
import com.azure.core.util.Configuration;
import com.azure.core.util.ConfigurationBuilder;
import com.azure.core.util.ConfigurationSource;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.server.Gateway;
import io.hubgate.server.config.CredentialMode;
import io.hubgate.server.config.CredentialSettings;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.config.HubTarget;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real gateway on a real socket, on its embedded emulator, with plaintext stubs for it: the
 * whole chain client stub → gRPC → gateway → official SDK → HTTPS → emulator.
 *
 * <p>One per test class, as a JUnit 5 extension that starts it before the class's
 * {@code @BeforeAll} methods and closes it after its {@code @AfterAll} methods:
 * <pre>{@code @RegisterExtension
 * static final TestGateway gateway = TestGateway.perClass();}</pre>
 * or, for a test that wants its own, {@code try (TestGateway gateway = TestGateway.start()) …}.
 *
 * <p>The stubs and {@link #channel()} carry a caller token of the emulator's issuer for
 * {@code api://hubgate} with all six app roles ({@link #ALL_ROLES}); {@link #channelWith} makes a
 * channel with other (or no) credentials.
 */
public final class TestGateway implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    /** Every app role {@code api://hubgate} defines. */
    public static final Set<String> ALL_ROLES = Set.copyOf(DefaultDirectory.API_ROLES);
    /** The subject ({@code oid}) of the all-roles test caller. */
    public static final String TEST_CALLER = "test-caller";

    /** How a per-class gateway starts (null: started already). */
    private final Callable<Gateway> starter;
    private volatile Gateway gateway;
    private volatile ManagedChannel rawChannel;
    private volatile Channel channel;
    private volatile IotHubEmulator hub;

    private TestGateway(Callable<Gateway> starter) {
        this.starter = starter;
    }

    private TestGateway(Gateway gateway, IotHubEmulator hub) {
        this.starter = null;
        attach(gateway, hub);
    }

    private void attach(Gateway started, IotHubEmulator emulator) {
        this.gateway = started;
        this.hub = emulator;
        this.rawChannel = ManagedChannelBuilder.forAddress("127.0.0.1", started.port()).usePlaintext().build();
        this.channel = ClientInterceptors.intercept(rawChannel, bearer(callerToken(TEST_CALLER, ALL_ROLES)));
    }

    /** A gateway on its embedded emulator for the test class that registers it ({@code @RegisterExtension}). */
    public static TestGateway perClass() {
        return perClass(() -> Gateway.start(GatewayConfig.localDevelopment(0)));
    }

    /** As {@link #perClass()}, started by {@code starter} (on its embedded emulator). */
    public static TestGateway perClass(Callable<Gateway> starter) {
        return new TestGateway(starter);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (starter == null || gateway != null) {
            throw new IllegalStateException("a TestGateway from perClass() is registered once, on one class");
        }
        Gateway started = starter.call();
        attach(started, started.embeddedHub().emulator());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    /**
     * A token of the emulator's issuer for {@code api://hubgate}, living an hour, for subject
     * {@code subject} with these app roles (signed with the issuer's real key).
     */
    public String callerToken(String subject, Set<String> roles) {
        return callerToken(hub.coordinates().entra(), subject, roles);
    }

    /** As {@link #callerToken(String, Set)}, from the issuer of any emulator (one a test started itself). */
    public static String callerToken(EntraCoordinates entra, String subject, Set<String> roles) {
        Instant now = Instant.now();
        return entra.sign(new JWTClaimsSet.Builder().issuer(entra.issuer()).audience(DefaultDirectory.API_URI)
                .subject(subject).claim("oid", subject).claim("tid", entra.tenantId())
                .claim("azp", "test-app-" + subject).claim("roles", List.copyOf(roles))
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(1))))
                .build());
    }

    /** Adds {@code authorization: Bearer <token>} to every call. */
    public static ClientInterceptor bearer(String token) {
        return header("authorization", "Bearer " + token);
    }

    /** Adds one ASCII metadata entry to every call. */
    public static ClientInterceptor header(String name, String value) {
        Metadata extra = new Metadata();
        extra.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
        return MetadataUtils.newAttachHeadersInterceptor(extra);
    }

    /** A channel to the gateway with these interceptors instead of the default token (none: no credential). */
    public Channel channelWith(ClientInterceptor... interceptors) {
        return ClientInterceptors.intercept(rawChannel, interceptors);
    }

    public static TestGateway start() {
        return start(GatewayConfig.localDevelopment(0));
    }

    /** A gateway the test started itself (with its operator endpoints, say), on its embedded emulator; closed with it. */
    public static TestGateway of(Gateway started) {
        return new TestGateway(started, started.embeddedHub().emulator());
    }

    public static TestGateway start(GatewayConfig config) {
        try {
            return of(Gateway.start(config));
        } catch (Exception e) {
            throw new IllegalStateException("the gateway did not start: " + e.getMessage(), e);
        }
    }

    /**
     * A second gateway that talks to this one's emulator as a remote hub (the production path:
     * host with port, the emulator's certificate as the CA, a client-secret credential from its
     * local Entra), as the app registration {@code application} and with these executor limits.
     * Sharing the emulator keeps one certificate in the JVM-wide trust the SDK uses.
     */
    public TestGateway sibling(String application, int maxConcurrentCalls, int maxQueuedCalls) {
        return sibling(application, maxConcurrentCalls, maxQueuedCalls, UnaryOperator.identity());
    }

    /**
     * As {@link #sibling(String, int, int)}, its configuration changed by {@code adjust} first (it
     * starts as plaintext, trusting this emulator's issuer for {@code api://hubgate}).
     */
    public TestGateway sibling(String application, int maxConcurrentCalls, int maxQueuedCalls,
                               UnaryOperator<GatewayConfig> adjust) {
        EmulatorCoordinates at = hub().coordinates();
        EntraCoordinates.ClientCredentials app = at.entra().application(application);
        Map<String, String> variables = Map.of(
                Configuration.PROPERTY_AZURE_AUTHORITY_HOST, at.entra().authorityHost(),
                Configuration.PROPERTY_AZURE_TENANT_ID, at.entra().tenantId(),
                Configuration.PROPERTY_AZURE_CLIENT_ID, app.clientId(),
                Configuration.PROPERTY_AZURE_CLIENT_SECRET, app.secret());
        ConfigurationSource nothing = prefix -> Map.of();
        Configuration environment = new ConfigurationBuilder(nothing, nothing, prefix -> variables).build();
        GatewayConfig config = new GatewayConfig(GatewayConfig.DEFAULT_BIND_ADDRESS, 0, true, null, null,
                new HubTarget(at.hostWithPort(), at.certificatePath()), CredentialSettings.of(CredentialMode.CLIENT_SECRET),
                maxConcurrentCalls, maxQueuedCalls, GatewayConfig.DEFAULT_UPSTREAM_TIMEOUT, GatewayConfig.DEFAULT_SHUTDOWN_GRACE,
                AuthSettings.defaults().withJwt(List.of(at.entra().issuer()), List.of(DefaultDirectory.API_URI),
                        at.entra().jwksUri()),
                io.hubgate.server.auth.AccessPolicy.defaults());
        try {
            return new TestGateway(Gateway.start(adjust.apply(config), environment), hub());
        } catch (Exception e) {
            throw new IllegalStateException("the sibling gateway did not start: " + e.getMessage(), e);
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

    /** A channel carrying the all-roles caller token. */
    public Channel channel() {
        return channel;
    }

    /** The emulator behind the gateway (its own, or a sibling's owner's): simulated devices, faults, direct store access. */
    public IotHubEmulator hub() {
        return hub;
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
        if (gateway == null) {
            return; // a per-class gateway that never started
        }
        rawChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        gateway.close();
    }
}
