package io.hubgate.bench;

import com.azure.core.credential.AzureSasCredential;
import com.nimbusds.jwt.JWTClaimsSet;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Channel;
import io.grpc.stub.MetadataUtils;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.server.Gateway;
import io.hubgate.server.config.AuthSettings;
import io.hubgate.server.config.CredentialMode;
import io.hubgate.server.config.CredentialSettings;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.config.HubTarget;
import io.hubgate.server.credential.HubTrust;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway against direct use of the official SDK, side by side in one process on one
 * emulator: for each workload and concurrency it runs both modes alternately and prints
 * throughput, latency percentiles and the ratios gateway/direct. Also prints the time to
 * SERVING and the process's heap and RSS. It measures and asserts nothing: absolute figures
 * from a shared machine mean little, the ratios within one run mean more.
 *
 * <p>What it does not do: profile, or hold 1,000 calls in flight for a peak-memory figure.
 */
@Command(name = "gateway-benchmark", mixinStandardHelpOptions = true,
        description = "Measures the gateway against direct official-SDK calls on the same emulator.")
public final class GatewayBenchmark implements Callable<Integer> {

    @Option(names = "--twins", defaultValue = "10000", description = "Twins seeded before measuring (default ${DEFAULT-VALUE}).")
    int twins;

    @Option(names = "--concurrency", defaultValue = "1,16,64", split = ",",
            description = "Calls in flight (gateway) and threads (direct), each level measured (default ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--duration", defaultValue = "PT4S",
            description = "Measured time per workload, concurrency and mode, split over the rounds (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "PT1S",
            description = "Unmeasured time per workload, concurrency and mode before the rounds (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--rounds", defaultValue = "2",
            description = "Alternations gateway, direct, gateway, direct … per measurement (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--smoke", description = "Toy sizes (200 twins, concurrency 1 and 4, 0.3 s): checks the harness, in seconds.")
    boolean smoke;

    private final PrintStream out;

    public GatewayBenchmark() {
        this(System.out);
    }

    GatewayBenchmark(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new GatewayBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (smoke) {
            twins = 200;
            concurrency = List.of(1, 4);
            duration = Duration.ofMillis(300);
            warmup = Duration.ofMillis(100);
            rounds = 1;
        }
        long started = System.nanoTime();
        try (Gateway gateway = Gateway.start(GatewayConfig.localDevelopment(0))) {
            long embeddedServing = System.nanoTime() - started;
            IotHubEmulator emulator = gateway.hub().embeddedEmulator();
            EmulatorCoordinates at = emulator.coordinates();
            long remoteServing = timeRemoteGatewayStart(at);

            out.printf(Locale.ROOT, "hubgate gateway benchmark: %,d twins, concurrency %s, %s measured + %s warm-up per cell "
                            + "in %d round(s), %d cores, JDK %s, %s%n", twins, concurrency, duration, warmup, rounds,
                    Runtime.getRuntime().availableProcessors(), Runtime.version(), Instant.now());
            out.printf(Locale.ROOT, "start to SERVING: %,d ms with the embedded emulator (cold JVM); %,d ms for a second "
                    + "gateway to a running hub, SAS, no caller auth (warm JVM)%n", millis(embeddedServing), millis(remoteServing));

            HubTrust.withPem(at.certificatePath()).installForHttpsUrlConnection();
            seed(at);
            DirectClients direct = DirectClients.withSas(at.hostWithPort(),
                    new AzureSasCredential(at.sasToken(IotHubEmulator.OWNER_POLICY, Duration.ofHours(6))));
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
            try {
                Channel authenticated = ClientInterceptors.intercept(channel, bearer(callerToken(at.entra())));
                GatewayStubs stubs = new GatewayStubs(TwinServiceGrpc.newStub(authenticated), RegistryServiceGrpc.newStub(authenticated));
                out.println("gateway: async stubs on one plaintext channel, JWT caller auth; direct: one shared set of SDK "
                        + "clients (default options, SAS), one thread per concurrent call");
                boolean first = true;
                for (Workload workload : Workload.values()) {
                    measure(workload, stubs, direct);
                    if (first) {
                        printMemory("after warm-up (GetTwin done)");
                        first = false;
                    }
                }
                printMemory("at the end");
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        return 0;
    }

    private void measure(Workload workload, GatewayStubs stubs, DirectClients direct) throws InterruptedException {
        out.printf(Locale.ROOT, "%n== %s ==%n", workload.title);
        out.printf(Locale.ROOT, "%-6s %-8s %10s %9s %9s %9s %9s %7s%n", "conc", "mode", "ops/s", "p50 ms", "p90 ms",
                "p99 ms", "max ms", "errors");
        AtomicInteger sequence = new AtomicInteger();
        String name = workload.name().toLowerCase(Locale.ROOT);
        for (int level : concurrency) {
            int c = level;
            Load.AsyncCall viaGateway = i -> workload.viaGateway(stubs, "g" + name, i, twins);
            Load.SyncCall viaSdk = i -> workload.direct(direct, "d" + name, i, twins);
            Load.async(c, warmup.toNanos(), sequence, viaGateway);
            Load.threads(c, warmup.toNanos(), sequence, viaSdk);
            Load.Result gatewayResult = Load.Result.empty();
            Load.Result directResult = Load.Result.empty();
            long slice = duration.toNanos() / rounds;
            for (int round = 0; round < rounds; round++) {
                gatewayResult = gatewayResult.plus(Load.async(c, slice, sequence, viaGateway));
                directResult = directResult.plus(Load.threads(c, slice, sequence, viaSdk));
            }
            row(c, "gateway", gatewayResult);
            row(c, "direct", directResult);
            Histogram g = gatewayResult.latencies();
            Histogram d = directResult.latencies();
            out.printf(Locale.ROOT, "%-6d %-8s %10s %9s %9s %9s %9s%n", c, "g/d", ratio(gatewayResult.throughput(), directResult.throughput()),
                    ratio(g.getValueAtPercentile(50), d.getValueAtPercentile(50)),
                    ratio(g.getValueAtPercentile(90), d.getValueAtPercentile(90)),
                    ratio(g.getValueAtPercentile(99), d.getValueAtPercentile(99)), ratio(g.getMaxValue(), d.getMaxValue()));
            for (Load.Result result : List.of(gatewayResult, directResult)) {
                if (result.firstError() != null) {
                    out.println("  first error: " + result.firstError());
                }
            }
        }
    }

    private void row(int c, String mode, Load.Result result) {
        Histogram h = result.latencies();
        out.printf(Locale.ROOT, "%-6d %-8s %10.0f %9.3f %9.3f %9.3f %9.3f %7d%n", c, mode, result.throughput(),
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getMaxValue() / 1e3, result.errors());
    }

    private static String ratio(double a, double b) {
        return b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    /** A second gateway to the running emulator as a remote hub: what start costs without starting a hub. */
    private static long timeRemoteGatewayStart(EmulatorCoordinates at) throws Exception {
        CredentialSettings sas = new CredentialSettings(CredentialMode.SAS, null, null, IotHubEmulator.OWNER_POLICY,
                at.policy(IotHubEmulator.OWNER_POLICY).keys().primaryKey());
        GatewayConfig config = GatewayConfig.localDevelopment(0).withAuth(AuthSettings.insecureNoAuth())
                .withHub(new HubTarget(at.hostWithPort(), at.certificatePath()), sas);
        long begin = System.nanoTime();
        try (Gateway ignored = Gateway.start(config)) {
            return System.nanoTime() - begin;
        }
    }

    /** Creates the twins with tags through the emulator's bulk registry API, 100 per request. */
    private void seed(EmulatorCoordinates at) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(at.trustingSslContext()).version(HttpClient.Version.HTTP_1_1).build();
        String token = at.sasToken(IotHubEmulator.OWNER_POLICY, Duration.ofHours(1));
        long begin = System.nanoTime();
        for (int from = 0; from < twins; from += 100) {
            StringBuilder body = new StringBuilder("[");
            for (int i = from; i < Math.min(twins, from + 100); i++) {
                body.append(i == from ? "" : ",").append("{\"id\":\"bench-").append(i)
                        .append("\",\"importMode\":\"create\",\"tags\":{\"bucket\":").append(i % 100)
                        .append("},\"properties\":{\"desired\":{\"interval\":").append(i % 60).append("}}}");
            }
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(at.baseUrl() + "/devices?api-version=2021-04-12"))
                    .header("Authorization", token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString())).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("seeding answered " + response.statusCode() + ": " + response.body());
            }
        }
        out.printf(Locale.ROOT, "seeded %,d twins in %,d ms%n", twins, millis(System.nanoTime() - begin));
    }

    /** A caller token of the emulator's issuer for the gateway's API with every role, living an hour. */
    private static String callerToken(EntraCoordinates entra) {
        Instant now = Instant.now();
        String subject = "bench-caller";
        return entra.sign(new JWTClaimsSet.Builder().issuer(entra.issuer()).audience(DefaultDirectory.API_URI)
                .subject(subject).claim("oid", subject).claim("tid", entra.tenantId()).claim("azp", "bench-app")
                .claim("roles", List.copyOf(DefaultDirectory.API_ROLES)).issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1)))).build());
    }

    private static io.grpc.ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** Heap after a full GC and the process's resident set, from /proc (Linux). */
    private void printMemory(String when) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime runtime = Runtime.getRuntime();
        long heapMb = (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
        out.printf(Locale.ROOT, "%nmemory %s (whole process: gateway + emulator + load): heap used %,d MB, %s, %s%n",
                when, heapMb, procStatus("VmRSS"), procStatus("VmHWM"));
    }

    private static String procStatus(String field) {
        try {
            for (String line : Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return field + " " + line.substring(field.length() + 1).trim();
                }
            }
        } catch (java.io.IOException e) {
            return field + " unavailable (" + e.getMessage() + ")";
        }
        return field + " unavailable";
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
