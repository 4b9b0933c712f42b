import com.azure.core.credential.AzureSasCredential;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.MetadataUtils;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.bench.BenchFixtures;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.server.Gateway;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.credential.HubTrust;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import jdk.jfr.Recording;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Profiling driver (not the benchmark): GetTwin through the gateway and directly with the SDK,
 * on the embedded emulator in one JVM, reporting CPU and allocation PER CALL for each group of
 * threads (gateway transport, gateway handlers, upstream SDK calls, emulator, load): CPU from
 * /proc/self/task/N/schedstat (every thread, GC and JIT included), allocation from the JVM's
 * per-thread counters, context switches from /proc/self/task/N/status. Optionally records JFR
 * (execution and allocation samples, TLS handshakes) around the measured phases: FILE for the
 * gateway, FILE-direct.jfr for direct use. Mode health measures a bare gRPC health check on the
 * same channel: the cost of the gRPC round trip alone. See bench/PROFILING.md.
 *
 * mvn -B -q -pl bench -am package -DskipTests
 * java -cp "$(bench/profiling/classpath.sh)" bench/profiling/CallCost.java [--concurrency 1,64] [--seconds 5]
 *      [--warmup 5] [--rounds 1] [--jfr out.jfr] [--mode both|gateway|direct|health] [--op get|update]
 */
public class CallCost {
    static final int TWINS = 1000;

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        int[] levels = Arrays.stream(opt.getOrDefault("concurrency", "1").split(",")).mapToInt(Integer::parseInt).toArray();
        double seconds = Double.parseDouble(opt.getOrDefault("seconds", "5"));
        double warm = Double.parseDouble(opt.getOrDefault("warmup", "5"));
        String jfr = opt.get("jfr");
        String mode = opt.getOrDefault("mode", "both");
        boolean update = opt.getOrDefault("op", "get").equals("update");
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "1"));

        try (Gateway gateway = Gateway.start(GatewayConfig.localDevelopment(0))) {
            IotHubEmulator emulator = gateway.embeddedHub().emulator();
            EmulatorCoordinates at = emulator.coordinates();
            HubTrust.withPem(at.certificatePath()).installForHttpsUrlConnection();
            BenchFixtures.seed(at, TWINS);
            TwinClient direct = new TwinClient(at.hostWithPort(),
                    new AzureSasCredential(at.sasToken(IotHubEmulator.OWNER_POLICY, Duration.ofHours(6))));
            AtomicInteger n = new AtomicInteger();
            NioEventLoopGroup clientLoop = new NioEventLoopGroup(1, (ThreadFactory) r -> new Thread(r, "load-netty-" + n.incrementAndGet()));
            ExecutorService clientExec = Executors.newCachedThreadPool(r -> { Thread t = new Thread(r, "load-exec-" + n.incrementAndGet()); t.setDaemon(true); return t; });
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext()
                    .eventLoopGroup(clientLoop).channelType(NioSocketChannel.class).executor(clientExec).build();
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + BenchFixtures.callerToken(at.entra()));
            TwinServiceGrpc.TwinServiceStub stub = TwinServiceGrpc.newStub(ClientInterceptors.intercept(channel,
                    MetadataUtils.newAttachHeadersInterceptor(headers)));
            System.out.printf("CallCost: " + (update ? "UpdateTwin" : "GetTwin") + ", %d twins, %s cores, JDK %s%n", TWINS, Runtime.getRuntime().availableProcessors(), Runtime.version());
            for (int c : levels) {
                if (mode.equals("health")) {
                    HealthGrpc.HealthStub health = HealthGrpc.newStub(channel);
                    healthRun(health, c, warm);
                    for (int r = 0; r < rounds; r++) report("grpc-floor", c, healthRun(health, c, seconds));
                    continue;
                }
                if (!mode.equals("direct")) gatewayRun(stub, c, warm, null, update);
                if (!mode.equals("gateway")) directRun(direct, c, warm, null, update);
                for (int r = 0; r < rounds; r++) {
                    if (!mode.equals("direct")) report("gateway", c, gatewayRun(stub, c, seconds, r == 0 ? jfr : null, update));
                    if (!mode.equals("gateway")) report("direct", c, directRun(direct, c, seconds, r == 0 && jfr != null ? jfr.replace(".jfr", "-direct.jfr") : null, update));
                }
            }
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            clientLoop.shutdownGracefully();
            clientExec.shutdownNow();
        }
        System.exit(0);
    }

    record Sample(Map<String, long[]> groups, long calls, long errors, long nanos, long[] latUs) {}

    static String group(String thread) {
        // /proc names are cut to 15 characters
        if (thread.startsWith("grpc-default-wo") || thread.startsWith("grpc-default-bo") || thread.startsWith("grpc-nio")) return "gw-netty";
        if (thread.startsWith("grpc-default-ex") || thread.startsWith("grpc-server") || thread.startsWith("grpc-handler")) return "gw-handler";
        // the controlled path's java.net.http client (selector and its executor) and the SDK call's workers
        if (thread.startsWith("iothub-call") || thread.startsWith("HttpClient-")) return "gw-upstream";
        if (thread.startsWith("Log4j2-")) return "gw-log4j2";
        if (thread.startsWith("iothub-emulator") || thread.startsWith("HTTP-Dispatcher")) return "emulator";
        if (thread.startsWith("direct-")) return "direct-sdk";
        if (thread.startsWith("load-") || thread.equals("main")) return "load";
        if (thread.startsWith("GC ") || thread.startsWith("G1 ") || thread.startsWith("VM Thread")) return "gc+vm";
        if (thread.contains("Compiler") || thread.startsWith("C1 ") || thread.startsWith("C2 ")) return "jit";
        return "other:" + thread.replaceAll("[-#0-9 ]+$", "");
    }

    /** CPU ns (all threads, from /proc/self/task/N/schedstat) and allocated bytes (Java threads) per group. */
    static Map<String, long[]> snapshot() throws Exception {
        Map<String, long[]> out = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    long cpu = Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]); // ns on CPU
                    long switches = 0;
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches") || line.startsWith("nonvoluntary_ctxt_switches")) {
                            switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                    long[] g = out.computeIfAbsent(group(name), k -> new long[3]);
                    g[0] += cpu;
                    g[2] += switches;
                } catch (Exception gone) { }
            }
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info == null) continue;
            long a = mx.getThreadAllocatedBytes(info.getThreadId());
            if (a > 0) out.computeIfAbsent(group(info.getThreadName()), k -> new long[3])[1] += a;
        }
        return out;
    }
    // NB: /proc comm is truncated to 15 chars; group() only uses prefixes that fit.

    static Map<String, long[]> diff(Map<String, long[]> a, Map<String, long[]> b) {
        Map<String, long[]> d = new TreeMap<>();
        for (var e : b.entrySet()) {
            long[] before = a.getOrDefault(e.getKey(), new long[3]);
            d.put(e.getKey(), new long[]{e.getValue()[0] - before[0], Math.max(0, e.getValue()[1] - before[1]),
                    Math.max(0, e.getValue()[2] - before[2])});
        }
        return d;
    }

    /** A gRPC health check: the gateway's transport and interceptor-free dispatch alone, no upstream call. */
    static Sample healthRun(HealthGrpc.HealthStub stub, int c, double seconds) throws Exception {
        Semaphore inFlight = new Semaphore(c);
        AtomicLong calls = new AtomicLong(), errors = new AtomicLong();
        ConcurrentLinkedQueue<Long> lat = new ConcurrentLinkedQueue<>();
        Map<String, long[]> before = snapshot();
        long start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            inFlight.acquire();
            long begin = System.nanoTime();
            stub.check(HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {
                public void onNext(HealthCheckResponse v) { }
                public void onError(Throwable t) { errors.incrementAndGet(); inFlight.release(); }
                public void onCompleted() { lat.add((System.nanoTime() - begin) / 1000); calls.incrementAndGet(); inFlight.release(); }
            });
        }
        inFlight.acquire(c);
        long elapsed = System.nanoTime() - start;
        return new Sample(diff(before, snapshot()), calls.get(), errors.get(), elapsed, lat.stream().mapToLong(Long::longValue).sorted().toArray());
    }

    static Sample gatewayRun(TwinServiceGrpc.TwinServiceStub stub, int c, double seconds, String jfr, boolean update) throws Exception {
        Recording rec = jfr == null ? null : startJfr();
        Semaphore inFlight = new Semaphore(c);
        AtomicLong calls = new AtomicLong(), errors = new AtomicLong();
        ConcurrentLinkedQueue<Long> lat = new ConcurrentLinkedQueue<>();
        AtomicInteger seq = new AtomicInteger();
        Map<String, long[]> before = snapshot();
        long start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            inFlight.acquire();
            long begin = System.nanoTime();
            int n = seq.getAndIncrement();
            String id = "bench-" + Math.floorMod(n * 7919, TWINS);
            StreamObserver<io.hubgate.api.v1.Twin> observer = new StreamObserver<>() {
                public void onNext(io.hubgate.api.v1.Twin v) { }
                public void onError(Throwable t) { errors.incrementAndGet(); if (errors.get() == 1) t.printStackTrace(); inFlight.release(); }
                public void onCompleted() { lat.add((System.nanoTime() - begin) / 1000); calls.incrementAndGet(); inFlight.release(); }
            };
            if (update) {
                // the benchmark's UpdateTwin: one desired property, no etag
                stub.updateTwin(io.hubgate.api.v1.UpdateTwinRequest.newBuilder().setDeviceId(id)
                        .setDesired(com.google.protobuf.Struct.newBuilder().putFields("interval",
                                com.google.protobuf.Value.newBuilder().setNumberValue(n % 60).build())).build(), observer);
            } else {
                stub.getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build(), observer);
            }
        }
        inFlight.acquire(c);
        long elapsed = System.nanoTime() - start;
        Map<String, long[]> after = snapshot();
        if (rec != null) { rec.stop(); rec.dump(Path.of(jfr)); rec.close(); }
        return new Sample(diff(before, after), calls.get(), errors.get(), elapsed, lat.stream().mapToLong(Long::longValue).sorted().toArray());
    }

    static final AtomicInteger DIRECT_N = new AtomicInteger();
    /** Threads kept alive between runs, so that their counters can be read after a run. */
    static final ExecutorService DIRECT = Executors.newCachedThreadPool(r -> { Thread t = new Thread(r, "direct-" + DIRECT_N.incrementAndGet()); t.setDaemon(true); return t; });

    static Sample directRun(TwinClient client, int c, double seconds, String jfr, boolean update) throws Exception {
        Recording rec = jfr == null ? null : startJfr();
        AtomicLong calls = new AtomicLong(), errors = new AtomicLong();
        ConcurrentLinkedQueue<Long> lat = new ConcurrentLinkedQueue<>();
        AtomicInteger seq = new AtomicInteger();
        Map<String, long[]> before = snapshot();
        long start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        CountDownLatch done = new CountDownLatch(c);
        for (int t = 0; t < c; t++) {
            DIRECT.execute(() -> {
                while (System.nanoTime() < end) {
                    long begin = System.nanoTime();
                    try {
                        int n = seq.getAndIncrement();
                        String id = "bench-" + Math.floorMod(n * 7919, TWINS);
                        if (update) {
                            com.microsoft.azure.sdk.iot.service.twin.Twin patch = new com.microsoft.azure.sdk.iot.service.twin.Twin(id);
                            patch.getDesiredProperties().put("interval", n % 60);
                            client.patch(patch);
                        } else {
                            client.get(id);
                        }
                        lat.add((System.nanoTime() - begin) / 1000); calls.incrementAndGet();
                    } catch (Exception e) { errors.incrementAndGet(); }
                }
                done.countDown();
            });
        }
        done.await();
        long elapsed = System.nanoTime() - start;
        Map<String, long[]> after = snapshot();
        if (rec != null) { rec.stop(); rec.dump(Path.of(jfr)); rec.close(); }
        return new Sample(diff(before, after), calls.get(), errors.get(), elapsed, lat.stream().mapToLong(Long::longValue).sorted().toArray());
    }

    static Recording startJfr() {
        Recording r = new Recording();
        r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
        r.enable("jdk.ObjectAllocationSample").with("throttle", "2000/s").withStackTrace();
        r.enable("jdk.GarbageCollection");
        r.enable("jdk.TLSHandshake").withStackTrace();
        r.enable("jdk.ThreadPark").withThreshold(Duration.ofMillis(0)).withStackTrace();
        r.start();
        return r;
    }

    static void report(String mode, int c, Sample s) {
        long p50 = s.latUs.length == 0 ? 0 : s.latUs[s.latUs.length / 2];
        long p99 = s.latUs.length == 0 ? 0 : s.latUs[(int) (s.latUs.length * 0.99)];
        System.out.printf("%-8s conc %-3d %7.0f ops/s  p50 %6d us  p99 %6d us  calls %d errors %d%n", mode, c,
                s.calls / (s.nanos / 1e9), p50, p99, s.calls, s.errors);
        long cpuTotal = 0, allocTotal = 0, switchTotal = 0;
        for (var e : s.groups.entrySet()) {
            long[] v = e.getValue();
            if (v[0] == 0 && v[1] == 0) continue;
            cpuTotal += v[0]; allocTotal += v[1]; switchTotal += v[2];
            if (v[0] / Math.max(1, s.calls) < 1000 && v[1] / Math.max(1, s.calls) < 100) continue;
            System.out.printf("    %-22s cpu %7.1f us/call   alloc %8d B/call   ctx switches %5.2f/call%n", e.getKey(),
                    v[0] / 1e3 / Math.max(1, s.calls), v[1] / Math.max(1, s.calls), (double) v[2] / Math.max(1, s.calls));
        }
        System.out.printf("    %-22s cpu %7.1f us/call   alloc %8d B/call   ctx switches %5.2f/call%n", "TOTAL",
                cpuTotal / 1e3 / Math.max(1, s.calls), allocTotal / Math.max(1, s.calls), (double) switchTotal / Math.max(1, s.calls));
    }

}
