import com.azure.core.credential.AzureSasCredential;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import io.hubgate.bench.BenchFixtures;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.server.Gateway;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.credential.HubTrust;
import io.hubgate.server.hub.rest.HubRest;
import io.hubgate.server.hub.rest.RestTransport;
import io.hubgate.server.service.TwinJson;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Profiling driver (not the benchmark): GetTwin on the controlled upstream path alone (HubRest on
 * RestTransport, as the gateway sends it, its answer read by TwinJson), in variants of the JDK
 * client's set-up, alternating in one JVM against the embedded emulator. Prints per call: CPU of
 * the caller threads, of the JDK client's own threads (selector manager, workers), of the
 * emulator, of everything else (GC, JIT), and context switches. Variants: the JDK client's
 * executor, {@code pool} (the JDK's default) or {@code direct} (what RestTransport serves with);
 * bodies are read as RestTransport reads them. A thread that exits during a run (the default
 * pool's idle workers) takes its CPU time with it: pool is under-counted, if anything.
 * See bench/PROFILING.md.
 *
 * java -cp "$(bench/profiling/classpath.sh)" bench/profiling/UpstreamCost.java [--concurrency 1,16]
 *      [--seconds 5] [--warmup 20] [--rounds 3]
 */
public class UpstreamCost {
    static final int TWINS = 1000;

    record Variant(String name, HubRest rest) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        int[] levels = Arrays.stream(opt.getOrDefault("concurrency", "1,16").split(",")).mapToInt(Integer::parseInt).toArray();
        double seconds = Double.parseDouble(opt.getOrDefault("seconds", "5"));
        double warm = Double.parseDouble(opt.getOrDefault("warmup", "20"));
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "3"));
        List<String> wanted = List.of(opt.getOrDefault("variants", "pool,direct").split(","));

        try (Gateway gateway = Gateway.start(GatewayConfig.localDevelopment(0))) {
            IotHubEmulator emulator = gateway.embeddedHub().emulator();
            EmulatorCoordinates at = emulator.coordinates();
            BenchFixtures.seed(at, TWINS);
            AzureSasCredential sas = new AzureSasCredential(at.sasToken(IotHubEmulator.OWNER_POLICY, Duration.ofHours(6)));
            HubTrust trust = HubTrust.withPem(at.certificatePath());
            List<Variant> variants = new ArrayList<>();
            for (String v : wanted) {
                java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder()
                        .version(java.net.http.HttpClient.Version.HTTP_1_1).sslContext(trust.sslContext());
                if (v.startsWith("direct")) jdk.executor(Runnable::run);
                var client = new JdkHttpClientBuilder(jdk).connectionTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ZERO).build();
                variants.add(new Variant(v, HubRest.of(RestTransport.withSas(at.hostWithPort(), sas, client), Duration.ofSeconds(30))));
            }
            System.out.printf("UpstreamCost: GetTwin on the controlled path, %d twins, JDK %s, load %s%n", TWINS, Runtime.version(),
                    Files.readString(Path.of("/proc/loadavg")).strip());
            for (int c : levels) {
                for (Variant v : variants) run(v, c, warm / variants.size());
                for (int r = 0; r < rounds; r++) {
                    List<Variant> order = new ArrayList<>(variants);
                    if (r % 2 == 1) Collections.reverse(order);
                    for (Variant v : order) report(v.name, c, run(v, c, seconds));
                }
            }
        }
        System.exit(0);
    }

    record Sample(Map<String, long[]> groups, long calls, long errors, long nanos, long[] latUs) {}

    static String group(String thread) {
        if (thread.startsWith("up-")) return "caller";
        if (thread.startsWith("HttpClient-") && thread.contains("-Se")) return "jdk-selector";
        if (thread.startsWith("HttpClient-") && thread.contains("-Wo")) return "jdk-worker";
        if (thread.startsWith("iothub-emulator") || thread.startsWith("HTTP-Dispatcher")) return "emulator";
        return "other";
    }

    static Map<String, long[]> snapshot() throws Exception {
        Map<String, long[]> out = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    long cpu = Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
                    long switches = 0;
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches") || line.startsWith("nonvoluntary_ctxt_switches")) {
                            switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                    long[] g = out.computeIfAbsent(group(name) + "|" + task.getFileName(), k -> new long[2]);
                    g[0] += cpu;
                    g[1] += switches;
                } catch (Exception gone) { }
            }
        }
        return out;
    }

    static final AtomicInteger N = new AtomicInteger();
    static final ExecutorService CALLERS = Executors.newCachedThreadPool(r -> { Thread t = new Thread(r, "up-" + N.incrementAndGet()); t.setDaemon(true); return t; });

    static Sample run(Variant v, int c, double seconds) throws Exception {
        AtomicLong calls = new AtomicLong(), errors = new AtomicLong();
        ConcurrentLinkedQueue<Long> lat = new ConcurrentLinkedQueue<>();
        AtomicInteger seq = new AtomicInteger();
        Map<String, long[]> before = snapshot();
        long start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        CountDownLatch done = new CountDownLatch(c);
        for (int t = 0; t < c; t++) {
            CALLERS.execute(() -> {
                while (System.nanoTime() < end) {
                    long begin = System.nanoTime();
                    try {
                        TwinJson.read(v.rest.getTwin("bench-" + Math.floorMod(seq.getAndIncrement() * 7919, TWINS), ""));
                        lat.add((System.nanoTime() - begin) / 1000); calls.incrementAndGet();
                    } catch (Exception e) { if (errors.incrementAndGet() == 1) e.printStackTrace(); }
                }
                done.countDown();
            });
        }
        done.await();
        long elapsed = System.nanoTime() - start;
        Map<String, long[]> after = snapshot();
        Map<String, long[]> d = new TreeMap<>();
        for (var e : after.entrySet()) { // per thread; a thread gone since 'before' is not counted
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] g = d.computeIfAbsent(e.getKey().substring(0, e.getKey().indexOf('|')), k -> new long[2]);
            g[0] += e.getValue()[0] - b[0];
            g[1] += e.getValue()[1] - b[1];
        }
        return new Sample(d, calls.get(), errors.get(), elapsed, lat.stream().mapToLong(Long::longValue).sorted().toArray());
    }

    static void report(String name, int c, Sample s) {
        long n = Math.max(1, s.calls);
        long p50 = s.latUs.length == 0 ? 0 : s.latUs[s.latUs.length / 2];
        StringBuilder line = new StringBuilder(String.format("%-14s c=%-3d %6.0f ops/s p50 %5d us err %d |", name, c,
                s.calls / (s.nanos / 1e9), p50, s.errors));
        long client = 0, switches = 0;
        for (var e : s.groups.entrySet()) {
            line.append(String.format(" %s %.0f", e.getKey(), e.getValue()[0] / 1e3 / n));
            if (!e.getKey().equals("emulator")) client += e.getValue()[0];
            switches += e.getValue()[1];
        }
        line.append(String.format(" | not-emulator %.0f us/call, ctxsw %.1f/call", client / 1e3 / n, (double) switches / n));
        System.out.println(line);
    }
}
