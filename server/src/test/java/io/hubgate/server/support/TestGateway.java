package io.hubgate.server.support;

import com.nimbusds.jwt.JWTClaimsSet;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.server.config.AuthSettings;
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

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway on a real socket, on its embedded emulator, with plaintext stubs for it: the
 * whole chain client stub → gRPC → gateway → official SDK → HTTPS → emulator. One per test class.
 *
 * <p>The stubs and {@link #channel()} carry a caller token of the emulator's issuer for
 * {@code api://hubgate} with all six app roles ({@link #ALL_ROLES}); {@link #channelWith} makes a
 * channel with other (or no) credentials.
 */
public final class TestGateway implements AutoCloseable {

    /** Every app role {@code api://hubgate} defines. */
    public static final Set<String> ALL_ROLES = Set.copyOf(DefaultDirectory.API_ROLES);
    /** The subject ({@code oid}) of the all-roles test caller. */
    public static final String TEST_CALLER = "test-caller";

    private final Gateway gateway;
    private final ManagedChannel rawChannel;
    private final Channel channel;
    private final IotHubEmulator hub;

    private TestGateway(Gateway gateway, IotHubEmulator hub) {
        this.gateway = gateway;
        this.hub = hub;
        this.rawChannel = ManagedChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
        this.channel = ClientInterceptors.intercept(rawChannel, bearer(callerToken(TEST_CALLER, ALL_ROLES)));
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

    public static TestGateway start(GatewayConfig config) {
        try {
            Gateway started = Gateway.start(config);
            return new TestGateway(started, started.hub().embeddedEmulator());
        } catch (Exception e) {
            throw new IllegalStateException("the gateway did not start: " + e.getMessage(), e);
        }
    }

    /** Wraps a gateway a test started itself (on its embedded emulator). */
    public static TestGateway of(Gateway started) {
        return new TestGateway(started, started.hub().embeddedEmulator());
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
        rawChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        gateway.close();
    }
}
