package io.hubgate.bench;

import com.azure.core.credential.AzureSasCredential;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.server.credential.HubTrust;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The gateway against direct use of the official SDK on one emulator that runs in the bench's
 * JVM, with the gateway in a JVM of its own (or, with --gateway in-process, in the bench's).
 * A run: seed twins; start the gateway; time fresh gateway JVMs to SERVING; measure the cost of
 * caller auth; measure a bare gRPC round trip; compare each workload with direct SDK calls, from
 * Java and, with --peers, from Python, Node and Go load drivers ({@link PeerProcess}); hold many
 * calls in flight for the gateway's peak memory. Every comparison alternates its two sides, charges
 * each side the CPU it cost the gateway, the emulator and the client, and prints ratios. It
 * measures and asserts nothing: absolute figures from a shared machine mean little, the ratios
 * within one run mean more.
 */
@Command(name = "gateway-benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures the gateway against direct official-SDK calls on the same emulator.")
public final class GatewayBenchmark implements Callable<Integer> {

    /** Parts of a run that --skip leaves out. */
    enum Section { STARTUP, AUTH, PATHS, WORKLOADS, PEAK }

    /** How the gateway under test runs. */
    enum GatewayMode {
        PROCESS, IN_PROCESS;

        static GatewayMode parse(String text) {
            return GatewayMode.valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /**
     * The bench's emulator serves this many requests at once: more than the gateway's 64 upstream
     * calls, so that when the peak test delays every twin read it is the gateway that queues.
     */
    static final int EMULATOR_WORKERS = 128;

    @Option(names = "--twins", defaultValue = "10000", description = "Twins seeded before measuring (default ${DEFAULT-VALUE}).")
    int twins;

    @Option(names = "--concurrency", defaultValue = "1,16,64", split = ",",
            description = "Calls in flight (gateway) and threads (direct), each level measured (default ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--duration", defaultValue = "PT4S",
            description = "Measured time per workload, concurrency and mode, split over the rounds (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "PT2S",
            description = "Unmeasured time per workload, concurrency and mode before the rounds (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--jit-warmup", defaultValue = "PT15S",
            description = "Unmeasured time per side before the caller-auth comparison, whose gateway JVMs are fresh, "
                    + "and of the mixed workload before the workloads (default ${DEFAULT-VALUE}).")
    Duration jitWarmup;

    @Option(names = "--rounds", defaultValue = "2",
            description = "Alternations gateway, direct, gateway, direct … per measurement (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--channels", defaultValue = "1",
            description = "gRPC channels (HTTP/2 connections) to the gateway; calls go round-robin over them (default ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--gateway", defaultValue = "process", converter = ModeConverter.class,
            description = "process: the gateway in its own JVM; in-process: in the bench's (no start cost, shared heap and cores) "
                    + "(default ${DEFAULT-VALUE}).")
    GatewayMode gatewayMode;

    @Option(names = "--workloads", split = ",", description = "Only these workloads: ${COMPLETION-CANDIDATES} (default all).")
    List<Workload> workloads;

    @Option(names = "--auth-concurrency", defaultValue = "1,64", split = ",",
            description = "Concurrency levels of the caller-auth comparison (default ${DEFAULT-VALUE}).")
    List<Integer> authConcurrency;

    @Option(names = "--peak-calls", defaultValue = "1000",
            description = "GetTwin calls fired at once for the gateway's peak memory (default ${DEFAULT-VALUE}).")
    int peakCalls;

    @Option(names = "--peak-latency", defaultValue = "PT1S",
            description = "How long the emulator delays each twin read during the peak (default ${DEFAULT-VALUE}).")
    Duration peakLatency;

    @Option(names = "--start-launches", defaultValue = "3",
            description = "Fresh gateway JVMs launched per kind of hub for start to SERVING; the median is printed (default ${DEFAULT-VALUE}).")
    int startLaunches;

    @Option(names = "--paths-concurrency", defaultValue = "1,16", split = ",",
            description = "Concurrency levels of the upstream-path comparison (GetTwin via SDK and via pipeline; default ${DEFAULT-VALUE}).")
    List<Integer> pathsConcurrency;

    @Option(names = "--skip", split = ",", description = "Leave out parts of the run: ${COMPLETION-CANDIDATES}.")
    Set<Section> skip = EnumSet.noneOf(Section.class);

    @Option(names = "--gateway-jvm-arg", description = "A JVM option for every gateway JVM, repeatable, e.g. -Xmx256m or a profiler agent.")
    List<String> gatewayJvmArgs = List.of();

    @Option(names = "--launcher", paramLabel = "SCRIPT",
            description = "Start gateway JVMs with this launcher script, with its JVM defaults (--gateway-jvm-arg adds to them), "
                    + "e.g. server/target/hubgate/bin/hubgate; default: java -cp <the bench's class path>.")
    Path launcher;

    @Option(names = "--gateway-arg", description = "An extra gateway flag for the gateways on the bench's emulator, repeatable, "
            + "e.g. --gateway-arg=--max-concurrent-calls --gateway-arg=128.")
    List<String> gatewayArgs = List.of();

    @Option(names = "--peers", split = ",", description = "Also run each workload from these languages' load drivers "
            + "(bench/peers, set up by bench/peers/setup-peers.sh): ${COMPLETION-CANDIDATES}. Python and Node through the gateway "
            + "against their official SDK direct, Go through the gateway (default none).")
    List<Peer> peers = List.of();

    @Option(names = "--peer-concurrency", split = ",",
            description = "Concurrency levels of the peers (Python threads, Node calls in flight, Go goroutines; default: --concurrency).")
    List<Integer> peerConcurrency;

    @Option(names = "--peers-dir", description = "Where the peers are (default: bench/peers, or peers when run from bench/).")
    Path peersDirectory;

    @Option(names = "--access-log", description = "Keep the gateway's per-call access log (default: set to WARN, i.e. off).")
    boolean accessLog;

    @Option(names = "--markdown", description = "At the end, print the figures again as markdown tables for the README.")
    boolean markdown;

    @Option(names = "--smoke", description = "Toy sizes (200 twins, concurrency 1 and 4, 0.3 s, 1 launch, 50 calls in flight): "
            + "checks the harness, in seconds.")
    boolean smoke;

    /** The system property that sets the level of the gateway's access log (logger hubgate.access). */
    static final String ACCESS_LOG_LEVEL_PROPERTY = "hubgate.log.access.level";

    private final PrintStream out;
    private final Report report = new Report();

    public GatewayBenchmark() {
        this(System.out);
    }

    GatewayBenchmark(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new GatewayBenchmark()).execute(args));
    }

    /** The command line of a benchmark: enum values (--skip peak, --workloads get_twin) in any case. */
    static CommandLine commandLine(GatewayBenchmark benchmark) {
        return new CommandLine(benchmark).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws Exception {
        if (smoke) {
            twins = 200;
            concurrency = List.of(1, 4);
            authConcurrency = List.of(1, 4);
            pathsConcurrency = List.of(1, 4);
            duration = Duration.ofMillis(300);
            warmup = Duration.ofMillis(100);
            jitWarmup = Duration.ofMillis(100);
            rounds = 1;
            startLaunches = 1;
            peakCalls = 50;
            peakLatency = Duration.ofMillis(300);
        }
        if (channels < 1 || rounds < 1 || twins < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--channels, --rounds and --twins must be at least 1");
        }
        if (!accessLog && System.getProperty(ACCESS_LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(ACCESS_LOG_LEVEL_PROPERTY, "warn"); // an in-process gateway's
        }
        try (IotHubEmulator emulator = IotHubEmulator.builder().port(0).workerThreads(EMULATOR_WORKERS).build().start()) {
            EmulatorCoordinates at = emulator.coordinates();
            out.printf(Locale.ROOT, "hubgate gateway benchmark: %,d twins, concurrency %s, %s measured + %s warm-up per cell in %d "
                            + "round(s), %d channel(s), gateway %s, %d cores, JDK %s, %s%n", twins, concurrency, duration, warmup,
                    rounds, channels, gatewayMode.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    Runtime.getRuntime().availableProcessors(), Runtime.version(), Instant.now());
            HubTrust.withPem(at.certificatePath()).installForHttpsUrlConnection();
            out.printf(Locale.ROOT, "seeded %,d twins in %,d ms%n", twins, Report.millis(BenchFixtures.seed(at, twins)));
            AzureSasCredential sas = new AzureSasCredential(at.sasToken(IotHubEmulator.OWNER_POLICY, Duration.ofHours(6)));
            DirectClients direct = DirectClients.withSas(at.hostWithPort(), sas);
            String token = BenchFixtures.callerToken(at.entra());
            long launched = System.nanoTime();
            try (RunningGateway gateway = start(GatewaySetup.runningEmulator(at, true, gatewayArgs));
                 GatewayStubs stubs = GatewayStubs.open(gateway.port(), channels, token)) {
                out.printf(Locale.ROOT, "gateway under test: %s, SERVING %,d ms after its start; to the bench's emulator "
                                + "(%d workers) with SAS; JWT caller auth; %d plaintext channel(s), async stubs. direct: one "
                                + "shared set of SDK clients (default options, SAS), one thread per concurrent call%n",
                        gateway.where(), Report.millis(System.nanoTime() - launched), EMULATOR_WORKERS, stubs.channelCount());
                report.memoryWhere = gateway instanceof GatewayProcess ? "its own JVM, " + launch().describe() : "the whole bench JVM";
                memory(gateway, "idle, just started");
                CpuClock gatewayCpu = gateway instanceof GatewayProcess process
                        ? CpuClock.process(process.pid(), "the gateway's JVM, every thread (GC and JIT included), pid " + process.pid())
                        : null;
                Comparisons comparisons = new Comparisons(out, report, twins, warmup, jitWarmup, duration, rounds,
                        new CostMeter(gatewayCpu));
                if (!skip.contains(Section.STARTUP) && startLaunches > 0) {
                    startToServing(at);
                }
                if (!skip.contains(Section.AUTH) && !authConcurrency.isEmpty()) {
                    // Two fresh gateway JVMs, alike but for caller auth, so that neither has a warmer JIT.
                    try (RunningGateway withJwt = start(GatewaySetup.runningEmulator(at, true, gatewayArgs));
                         GatewayStubs jwtStubs = GatewayStubs.open(withJwt.port(), channels, token);
                         RunningGateway open = start(GatewaySetup.runningEmulator(at, false, gatewayArgs));
                         GatewayStubs openStubs = GatewayStubs.open(open.port(), channels, null)) {
                        comparisons.callerAuth(authConcurrency, jwtStubs, openStubs);
                    }
                }
                if (!skip.contains(Section.PATHS) && !pathsConcurrency.isEmpty()) {
                    UpstreamPaths.compare(out, report, comparisons, pathsConcurrency, at, direct, sas);
                }
                if (!skip.contains(Section.WORKLOADS)) {
                    List<PeerProcess> drivers = new ArrayList<>();
                    try {
                        startPeers(drivers, at, gateway.port(), token);
                        comparisons.warmUp(jitWarmup, 16, stubs, direct);
                        TextRows.costLegend(out, gatewayCpu == null ? "not measured (the gateway runs in the bench's JVM)"
                                : gatewayCpu.description());
                        comparisons.bareGrpc(concurrency, stubs, drivers);
                        boolean first = true;
                        for (Workload workload : workloads == null ? List.of(Workload.values()) : workloads) {
                            comparisons.gatewayAgainstDirect(workload, concurrency, stubs, direct);
                            if (first) {
                                memory(gateway, "after warm-up (" + workload.title + " done)");
                                first = false;
                            }
                            if (!drivers.isEmpty()) {
                                comparisons.peers(workload, peerConcurrency == null ? concurrency : peerConcurrency, drivers);
                            }
                        }
                    } finally {
                        drivers.forEach(PeerProcess::close);
                    }
                }
                if (!skip.contains(Section.PEAK) && peakCalls > 0) {
                    peak(emulator, gateway, stubs);
                }
                memory(gateway, "at the end");
                report.memoryTable(out, gateway.where());
                TargetReading.print(out, report);
            }
        }
        if (markdown) {
            report.markdown(out, String.format(Locale.ROOT, "Run of %s: %,d twins, concurrency %s, %s measured + %s warm-up "
                            + "per cell in %d round(s), %d channel(s), gateway %s, %d cores, JDK %s", Instant.now(), twins,
                    concurrency, duration, warmup, rounds, channels, gatewayMode.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    Runtime.getRuntime().availableProcessors(), Runtime.version()));
        }
        return 0;
    }

    private RunningGateway start(GatewaySetup setup) throws Exception {
        return gatewayMode == GatewayMode.PROCESS ? GatewayProcess.start(setup, launch())
                : InProcessGateway.start(setup);
    }

    private GatewayLaunch launch() {
        return new GatewayLaunch(gatewayJvmArgs, launcher, accessLog);
    }

    /**
     * The peers' load drivers, each told where the gateway is (plaintext, loopback) with the
     * caller's token, and, where it has an SDK, the emulator's owner connection string and
     * certificate.
     */
    private void startPeers(List<PeerProcess> started, EmulatorCoordinates at, int gatewayPort, String token) throws Exception {
        if (peers.isEmpty()) {
            return;
        }
        Path directory = Peer.directory(peersDirectory);
        String certificate = at.certificatePath().toString();
        for (Peer peer : peers.stream().distinct().toList()) {
            Map<String, String> environment = new java.util.HashMap<>(Map.of("HUBGATE_BENCH_GATEWAY", "127.0.0.1:" + gatewayPort,
                    "HUBGATE_BENCH_TOKEN", token, "HUBGATE_BENCH_TWINS", Integer.toString(twins)));
            if (peer.hasSdk()) {
                environment.putAll(Map.of("HUBGATE_BENCH_HUB_CONNECTION_STRING", at.connectionString(IotHubEmulator.OWNER_POLICY),
                        "REQUESTS_CA_BUNDLE", certificate, "NODE_EXTRA_CA_CERTS", certificate));
            }
            PeerProcess driver = PeerProcess.start(peer, directory, environment);
            started.add(driver);
            out.printf(Locale.ROOT, "peer %s, pid %d: one gRPC channel to the gateway%s%n", driver.description(),
                    driver.pid(), peer.hasSdk() ? "; one " + peer.sdk() + " client with default options" : "");
        }
    }

    /** Fresh gateway JVMs, always in processes of their own: that is what starting one costs. */
    private void startToServing(EmulatorCoordinates at) throws Exception {
        out.printf(Locale.ROOT, "%n== Start to SERVING: a fresh gateway JVM, from launch to health SERVING (median of %d) ==%n",
                startLaunches);
        out.printf(Locale.ROOT, "%-45s %10s   %s%n", "gateway", "median ms", "each launch ms");
        for (GatewaySetup setup : List.of(GatewaySetup.embeddedEmulator(), GatewaySetup.runningEmulator(at, true, List.of()))) {
            List<Long> nanos = StartupTimer.time(setup, startLaunches, launch());
            out.printf(Locale.ROOT, "%-45s %,10d   %s%n", setup.label(), Report.millis(Report.median(nanos)), Report.launches(nanos));
            report.starts.add(new Report.StartRow(setup.label(), nanos));
        }
    }

    private void peak(IotHubEmulator emulator, RunningGateway gateway, GatewayStubs stubs) throws InterruptedException {
        out.printf(Locale.ROOT, "%n== Peak: %,d GetTwin calls in flight at once, twin reads delayed %,d ms by the emulator ==%n",
                peakCalls, peakLatency.toMillis());
        PeakInFlight.Outcome outcome = PeakInFlight.run(emulator, stubs, gateway.memory(), peakCalls, peakLatency, twins);
        out.println(outcome.summary());
        if (outcome.firstFailure() != null) {
            out.println("  first failure: " + outcome.firstFailure());
        }
        report.peak = outcome;
        report.memory.add(new Report.MemoryRow(String.format(Locale.ROOT, "peak, %,d calls in flight", peakCalls),
                outcome.peak(), outcome.liveAtPeak()));
    }

    /** The gateway's memory now, then after a full GC in its JVM; printed in the table at the end. */
    private void memory(RunningGateway gateway, String when) {
        MemoryProbe probe = gateway.memory();
        MemoryProbe.Reading now = probe.read();
        report.memory.add(new Report.MemoryRow(when, now, probe.readAfterGc()));
        if (probe.heapProblem() != null) {
            out.println("heap unavailable: " + probe.heapProblem());
        }
    }

    /** "process" or "in-process". */
    static final class ModeConverter implements CommandLine.ITypeConverter<GatewayMode> {
        @Override
        public GatewayMode convert(String value) {
            try {
                return GatewayMode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("--gateway is process or in-process, not '" + value + "'");
            }
        }
    }
}
