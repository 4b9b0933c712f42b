import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.entra.DefaultDirectory;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Profiling driver (not the benchmark): start to SERVING of fresh gateway JVMs, like the
 * benchmark's start-up cell, but for several VARIANTS (class paths and/or JVM flags) launched in
 * alternation (A B B A …), and with the child's CPU time (user + system, from /proc/PID/stat, all
 * its threads) at the moment it first answered SERVING beside the wall time. On a machine shared
 * with other builds the wall time moves by 2–5×; the CPU time to SERVING moves far less, and is
 * what a start costs on a quiet machine with enough cores (it is an upper bound: on 2 cores the
 * start's threads partly run in parallel). It is split into JIT compiler threads, GC threads and
 * the rest ("app": main, the emulator's, the credential check's …): on a loaded machine the JIT
 * keeps compiling while the start's own threads wait for a core, so app CPU is the steadiest figure.
 *
 * A variant is LABEL=CLASSPATH or LABEL=CLASSPATH|JVM FLAGS (flags separated by spaces); CLASSPATH
 * "-" is this JVM's; a "flag" main=CLASS runs CLASS instead of the gateway's Main (StartFloor). Kinds: embedded (no --hub-host) and running (an emulator in this JVM, SAS,
 * JWT with its JWKS URL), as the benchmark starts them.
 *
 * java -cp "$(bench/profiling/classpath.sh)" bench/profiling/StartupCost.java --launches 6 \
 *      --kinds embedded,running --variant now=- [--variant base=/tmp/base/cp.txt-contents …]
 */
public class StartupCost {
    static final Pattern SERVING_LINE = Pattern.compile("hubgate is serving gRPC on (\\S+):(\\d+) ");
    static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    record Variant(String label, String classpath, List<String> jvmFlags) {
    }

    public static void main(String[] args) throws Exception {
        int launches = 5;
        List<String> kinds = List.of("embedded", "running");
        List<Variant> variants = new ArrayList<>();
        boolean echo = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--launches" -> launches = Integer.parseInt(args[++i]);
                case "--kinds" -> kinds = List.of(args[++i].split(","));
                case "--echo" -> echo = true;
                case "--variant" -> {
                    String[] labelRest = args[++i].split("=", 2);
                    String[] cpFlags = labelRest[1].split("\\|", 2);
                    String cp = cpFlags[0].equals("-") ? System.getProperty("java.class.path") : cpFlags[0];
                    List<String> flags = cpFlags.length > 1 && !cpFlags[1].isBlank() ? List.of(cpFlags[1].trim().split("\\s+")) : List.of();
                    variants.add(new Variant(labelRest[0], cp, flags));
                }
                default -> throw new IllegalArgumentException("unknown " + args[i]);
            }
        }
        if (variants.isEmpty()) {
            variants.add(new Variant("this", System.getProperty("java.class.path"), List.of()));
        }
        IotHubEmulator emulator = kinds.contains("running") ? IotHubEmulator.builder().port(0).build().start() : null;
        try {
            for (String kind : kinds) {
                Map<String, List<long[]>> results = new LinkedHashMap<>();
                variants.forEach(v -> results.put(v.label(), new ArrayList<>()));
                for (int i = 0; i < launches; i++) {
                    List<Variant> order = new ArrayList<>(variants);
                    if (i % 2 == 1) {
                        Collections.reverse(order);
                    }
                    for (Variant v : order) {
                        long[] r = launch(v, kind, emulator, echo);
                        results.get(v.label()).add(r);
                        System.out.printf("  %s %s launch %d: %,d ms wall, %,d ms CPU (app %,d, JIT %,d, GC %,d) (load %s)%n", kind,
                                v.label(), i + 1, r[0], r[1], r[2], r[3], r[4],
                                Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
                    }
                }
                System.out.println("== " + kind + ": start to SERVING, median of " + launches + " ==");
                System.out.printf("%-12s %9s %9s %9s %9s %9s   each (wall/app CPU ms)%n", "variant", "wall ms", "CPU ms",
                        "app ms", "JIT ms", "GC ms");
                results.forEach((label, rs) -> {
                    StringBuilder each = new StringBuilder();
                    rs.forEach(r -> each.append(r[0]).append('/').append(r[2]).append("  "));
                    System.out.printf("%-12s %,9d %,9d %,9d %,9d %,9d   %s%n", label, median(rs, 0), median(rs, 1), median(rs, 2),
                            median(rs, 3), median(rs, 4), each);
                });
            }
        } finally {
            if (emulator != null) {
                emulator.close();
            }
        }
    }

    static long median(List<long[]> rs, int column) {
        long[] values = rs.stream().mapToLong(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    /** {wall ms, CPU ms} from launch to the first SERVING answer. */
    static long[] launch(Variant v, String kind, IotHubEmulator emulator, boolean echo) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String main = "io.hubgate.server.Main";
        for (String flag : v.jvmFlags()) {
            if (flag.startsWith("main=")) {
                main = flag.substring("main=".length());
            } else {
                command.add(flag);
            }
        }
        command.add("-Dhubgate.log.access.level=warn");
        command.addAll(List.of("-cp", v.classpath(), main, "--port", "0", "--shutdown-grace", "2s"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("HUBGATE_") || name.equals("JAVA_OPTS"));
        if (kind.equals("running")) {
            EmulatorCoordinates at = emulator.coordinates();
            command.addAll(List.of("--hub-host", at.hostWithPort(), "--hub-ca-cert", at.certificatePath().toString(),
                    "--credential", "sas", "--sas-key-name", IotHubEmulator.OWNER_POLICY,
                    "--jwt-issuer", at.entra().issuer(), "--jwt-audience", DefaultDirectory.API_URI, "--jwks-url", at.entra().jwksUri()));
            builder.environment().put("HUBGATE_SAS_KEY", at.policy(IotHubEmulator.OWNER_POLICY).keys().primaryKey());
        }
        long launched = System.nanoTime();
        Process process = builder.start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (echo) {
                        System.out.println("    | " + line);
                    }
                    Matcher m = SERVING_LINE.matcher(line);
                    if (!port.isDone() && m.find()) {
                        port.complete(Integer.parseInt(m.group(2)));
                    }
                }
            } catch (Exception ignored) {
                // the process ended
            }
            port.completeExceptionally(new IllegalStateException("exited before serving"));
        });
        reader.setDaemon(true);
        reader.start();
        try {
            int p = port.get(120, TimeUnit.SECONDS);
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", p).usePlaintext().build();
            try {
                HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
                while (true) {
                    try {
                        if (health.withDeadlineAfter(2, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus()
                                == HealthCheckResponse.ServingStatus.SERVING) {
                            break;
                        }
                    } catch (StatusRuntimeException notYet) {
                        // not yet
                    }
                    Thread.sleep(5);
                }
                long wall = (System.nanoTime() - launched) / 1_000_000;
                long[] cpu = cpuMillis(process.pid());
                return new long[] {wall, cpu[0], cpu[0] - cpu[1] - cpu[2], cpu[1], cpu[2]};
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** {all threads, JIT compiler threads, GC threads} CPU ms of the process so far (live threads only). */
    static long[] cpuMillis(long pid) throws Exception {
        long all = ticks(Path.of("/proc/" + pid + "/stat"));
        long jit = 0;
        long gc = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        jit += ticks(task.resolve("stat"));
                    } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                        gc += ticks(task.resolve("stat"));
                    }
                } catch (java.io.IOException gone) {
                    // the thread ended
                }
            }
        }
        return new long[] {all * 1000 / TICKS_PER_SECOND, jit * 1000 / TICKS_PER_SECOND, gc * 1000 / TICKS_PER_SECOND};
    }

    static long ticks(Path stat) throws java.io.IOException {
        String text = Files.readString(stat);
        String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
        // fields after the name start at state (field 3): utime is field 14, stime 15
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
