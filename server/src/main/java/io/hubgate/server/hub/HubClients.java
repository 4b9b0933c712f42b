package io.hubgate.server.hub;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.credential.TokenCredential;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobsClient;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobsClientOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClientOptions;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.query.QueryClientOptions;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClientOptions;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClientOptions;

import io.hubgate.server.hub.rest.HubRest;
import io.hubgate.server.hub.rest.RestTransport;

import javax.net.ssl.SSLContext;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's two ways to IoT Hub, built once from one shared credential and reused by every
 * call: the official SDK's clients, and the controlled path ({@link RestTransport}, azure-core's
 * pipeline) for what the SDK cannot do correctly.
 *
 * <p>Why several of each: the SDK fixes a client's HTTP read timeout when it is built, but a
 * gRPC caller's deadline differs per call, and an upstream call must not outlive it. So clients
 * are kept per read-timeout step ({@link #READ_TIMEOUT_STEPS}); a call takes the longest step that
 * fits in what remains of its deadline. Building a client is cheap (no connection is opened),
 * and all of them share the JVM's keep-alive pool and the one credential.
 *
 * <p>Thread-safe.
 */
public final class HubClients {

    /** Read timeouts, in seconds, that clients are built with. */
    static final int[] READ_TIMEOUT_STEPS = {1, 2, 5, 10, 24, 60, 120, 330};
    /** Connecting to the hub never takes longer than this, whatever the deadline. */
    static final int CONNECT_TIMEOUT_SECONDS = 10;

    private final String hostName;
    private final TokenCredential tokenCredential;
    private final AzureSasCredential sasCredential;
    private final Map<Integer, SdkClients> sdkByReadTimeout = new ConcurrentHashMap<>();
    private final RestTransport rest;

    /** One client of each kind, with one read timeout. */
    public record SdkClients(RegistryClient registry, TwinClient twins, QueryClient query, DirectMethodsClient methods,
                      ScheduledJobsClient jobs) {
    }

    private HubClients(String hostName, TokenCredential tokenCredential, AzureSasCredential sasCredential, SSLContext tls) {
        this.hostName = Objects.requireNonNull(hostName);
        this.tokenCredential = tokenCredential;
        this.sasCredential = sasCredential;
        this.rest = tokenCredential != null ? RestTransport.withToken(hostName, tokenCredential, tls)
                : RestTransport.withSas(hostName, sasCredential, tls);
    }

    /**
     * Clients that authenticate with an Entra token credential.
     *
     * @param tls the trust the controlled path uses (the SDK uses the JVM-wide HTTPS default)
     */
    public static HubClients withToken(String hostName, TokenCredential credential, SSLContext tls) {
        return new HubClients(hostName, Objects.requireNonNull(credential), null, tls);
    }

    /** Clients that authenticate with a shared access signature (renewed by whoever owns it). */
    public static HubClients withSas(String hostName, AzureSasCredential credential, SSLContext tls) {
        return new HubClients(hostName, null, Objects.requireNonNull(credential), tls);
    }

    /** As {@link #withSas(String, AzureSasCredential, SSLContext)}, trusting the JVM's default CAs. */
    public static HubClients withSas(String hostName, AzureSasCredential credential) {
        return withSas(hostName, credential, defaultTls());
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }

    /**
     * Whether the SDK can address these ids. It concatenates ids into its URLs unencoded, so a
     * {@code %} would be decoded by the hub ({@code %72x} reaches {@code rx}), a {@code ?} would
     * start the query and a {@code #} a fragment: operations on such ids take the controlled
     * path, which encodes them.
     */
    public static boolean sdkCanAddress(String... ids) {
        for (String id : ids) {
            if (id != null && (id.indexOf('%') >= 0 || id.indexOf('?') >= 0 || id.indexOf('#') >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** The controlled path, each request timing out after {@code timeout}, with no deadline (tests). */
    public HubRest rest(Duration timeout) {
        return HubRest.of(rest, timeout);
    }

    /** The controlled path for one attempt that must end by {@code deadline} (see {@link HubRest#within}). */
    HubRest rest(io.grpc.Deadline deadline, Duration atLeast, boolean earlierMayApply) {
        return HubRest.within(rest, deadline, atLeast, earlierMayApply);
    }

    public String hostName() {
        return hostName;
    }

    /** Which kind of credential these clients present to the hub. */
    public HubCredentialKind credentialKind() {
        return tokenCredential != null ? HubCredentialKind.ENTRA : HubCredentialKind.SAS_KEY;
    }

    /** The Entra credential behind these clients, or null for a SAS key. */
    TokenCredential tokenCredential() {
        return tokenCredential;
    }

    /**
     * The clients whose read timeout is the longest step not beyond {@code budget}, or the
     * shortest step (1 s) when the budget is shorter: the SDK takes whole seconds, so a call with
     * less than a second left may wait up to a second for its answer, outliving the caller's
     * deadline by the difference (the caller has its DEADLINE_EXCEEDED at its deadline all the
     * same; only the slot is held that much longer). The controlled path has no such floor.
     */
    public SdkClients within(Duration budget) {
        int chosen = READ_TIMEOUT_STEPS[0];
        for (int step : READ_TIMEOUT_STEPS) {
            if (Duration.ofSeconds(step).compareTo(budget) <= 0) {
                chosen = step;
            }
        }
        return sdkByReadTimeout.computeIfAbsent(chosen, this::build);
    }

    /** The clients whose read timeout covers {@code needed} (direct methods): see {@link #coveringSeconds}. */
    public SdkClients covering(Duration needed) {
        return sdkByReadTimeout.computeIfAbsent(coveringSeconds(needed), this::build);
    }

    /**
     * The shortest step that covers {@code needed}; beyond the last step, {@code needed} rounded up
     * to whole minutes. A direct method may wait up to connect + response timeout (300 s each) plus
     * a margin, more than any step, and a shorter read timeout would give up on a method the hub is
     * still waiting for; minutes keep the clients built for such calls to a handful.
     */
    static int coveringSeconds(Duration needed) {
        for (int step : READ_TIMEOUT_STEPS) {
            if (Duration.ofSeconds(step).compareTo(needed) >= 0) {
                return step;
            }
        }
        long seconds = needed.toSeconds() + (needed.toNanosPart() > 0 ? 1 : 0);
        return (int) Math.min(Integer.MAX_VALUE / 2, (seconds + 59) / 60 * 60);
    }

    private SdkClients build(int readTimeoutSeconds) {
        if (tokenCredential != null) {
            return new SdkClients(
                    new RegistryClient(hostName, tokenCredential, RegistryClientOptions.builder()
                            .httpReadTimeoutSeconds(readTimeoutSeconds).httpConnectTimeoutSeconds(CONNECT_TIMEOUT_SECONDS).build()),
                    new TwinClient(hostName, tokenCredential, TwinClientOptions.builder()
                            .httpReadTimeoutSeconds(readTimeoutSeconds).httpConnectTimeoutSeconds(CONNECT_TIMEOUT_SECONDS).build()),
                    new QueryClient(hostName, tokenCredential, QueryClientOptions.builder()
                            .httpReadTimeoutSeconds(readTimeoutSeconds).httpConnectTimeoutSeconds(CONNECT_TIMEOUT_SECONDS).build()),
                    new DirectMethodsClient(hostName, tokenCredential, DirectMethodsClientOptions.builder()
                            .httpReadTimeoutSeconds(readTimeoutSeconds).httpConnectTimeoutSeconds(CONNECT_TIMEOUT_SECONDS).build()),
                    new ScheduledJobsClient(hostName, tokenCredential, ScheduledJobsClientOptions.builder()
                            .httpReadTimeoutSeconds(readTimeoutSeconds).httpConnectTimeoutSeconds(CONNECT_TIMEOUT_SECONDS).build()));
        }
        return new SdkClients(
                new RegistryClient(hostName, sasCredential, RegistryClientOptions.builder()
                        .httpReadTimeoutSeconds(readTimeoutSeconds).httpConnectTimeoutSeconds(CONNECT_TIMEOUT_SECONDS).build()),
                new TwinClient(hostName, sasCredential, TwinClientOptions.builder()
                        .httpReadTimeoutSeconds(readTimeoutSeconds).httpConnectTimeoutSeconds(CONNECT_TIMEOUT_SECONDS).build()),
                new QueryClient(hostName, sasCredential, QueryClientOptions.builder()
                        .httpReadTimeoutSeconds(readTimeoutSeconds).httpConnectTimeoutSeconds(CONNECT_TIMEOUT_SECONDS).build()),
                new DirectMethodsClient(hostName, sasCredential, DirectMethodsClientOptions.builder()
                        .httpReadTimeoutSeconds(readTimeoutSeconds).httpConnectTimeoutSeconds(CONNECT_TIMEOUT_SECONDS).build()),
                new ScheduledJobsClient(hostName, sasCredential, ScheduledJobsClientOptions.builder()
                        .httpReadTimeoutSeconds(readTimeoutSeconds).httpConnectTimeoutSeconds(CONNECT_TIMEOUT_SECONDS).build()));
    }
}
