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

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The official SDK's clients, built once from one shared credential and reused by every call.
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
    private final Map<Integer, Set> sets = new ConcurrentHashMap<>();

    /** One client of each kind, with one read timeout. */
    public record Set(RegistryClient registry, TwinClient twins, QueryClient query, DirectMethodsClient methods,
                      ScheduledJobsClient jobs) {
    }

    private HubClients(String hostName, TokenCredential tokenCredential, AzureSasCredential sasCredential) {
        this.hostName = Objects.requireNonNull(hostName);
        this.tokenCredential = tokenCredential;
        this.sasCredential = sasCredential;
    }

    /** Clients that authenticate with an Entra token credential. */
    public static HubClients withToken(String hostName, TokenCredential credential) {
        return new HubClients(hostName, Objects.requireNonNull(credential), null);
    }

    /** Clients that authenticate with a shared access signature (renewed by whoever owns it). */
    public static HubClients withSas(String hostName, AzureSasCredential credential) {
        return new HubClients(hostName, null, Objects.requireNonNull(credential));
    }

    public String hostName() {
        return hostName;
    }

    /** The clients whose read timeout is the longest step not beyond {@code budget} (at least the shortest step). */
    public Set within(Duration budget) {
        int chosen = READ_TIMEOUT_STEPS[0];
        for (int step : READ_TIMEOUT_STEPS) {
            if (Duration.ofSeconds(step).compareTo(budget) <= 0) {
                chosen = step;
            }
        }
        return sets.computeIfAbsent(chosen, this::build);
    }

    /** The clients whose read timeout is the shortest step that covers {@code needed} (direct methods). */
    public Set covering(Duration needed) {
        int chosen = READ_TIMEOUT_STEPS[READ_TIMEOUT_STEPS.length - 1];
        for (int i = READ_TIMEOUT_STEPS.length - 1; i >= 0; i--) {
            if (Duration.ofSeconds(READ_TIMEOUT_STEPS[i]).compareTo(needed) >= 0) {
                chosen = READ_TIMEOUT_STEPS[i];
            }
        }
        return sets.computeIfAbsent(chosen, this::build);
    }

    private Set build(int readTimeoutSeconds) {
        if (tokenCredential != null) {
            return new Set(
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
        return new Set(
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
