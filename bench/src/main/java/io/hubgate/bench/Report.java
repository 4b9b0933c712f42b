package io.hubgate.bench;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything a run measured, kept for the closing markdown tables ({@code --markdown}) that the
 * README's benchmark section takes as they are. The text tables are printed as the run goes;
 * this prints the same figures once more, laid out for pasting.
 */
final class Report {

    /** One workload at one concurrency: the gateway against direct SDK calls. */
    record WorkloadRow(String workload, int concurrency, Load.Result gateway, Load.Result direct) {
    }

    /** Launches of fresh gateway JVMs to one kind of hub, each from launch to SERVING. */
    record StartRow(String target, List<Long> nanos) {
    }

    /** The gateway's memory at one moment; {@code afterGc} null when no GC was asked for. */
    record MemoryRow(String when, MemoryProbe.Reading reading, MemoryProbe.Reading afterGc) {
    }

    /** GetTwin at one concurrency through a gateway with JWT caller auth and one without. */
    /** GetTwin through each upstream path at one concurrency, with the bench JVM's CPU per call on each. */
    record PathRow(int concurrency, Load.Result sdk, Load.Result pipeline, Load.Result pipelineNetty,
                   double sdkCpuMicros, double pipelineCpuMicros, double nettyCpuMicros) {
    }

    /** UpdateTwin through the SDK and the controlled path (JDK client) at one concurrency, with CPU per call. */
    record UpdatePathRow(int concurrency, Load.Result sdk, Load.Result pipeline, double sdkCpuMicros, double pipelineCpuMicros) {
    }

    record AuthRow(int concurrency, Load.Result jwt, Load.Result none) {
    }

    /** One workload at one concurrency from a peer: through the gateway, and with its SDK direct (null: it has none). */
    record PeerRow(String workload, int concurrency, Peer peer, Load.Result gateway, Load.Result sdk) {
    }

    /** The gateway's health check at one concurrency: a bare gRPC round trip. */
    record BareRow(int concurrency, Load.Result result) {
    }

    final List<WorkloadRow> workloads = new ArrayList<>();
    final List<StartRow> starts = new ArrayList<>();
    final List<MemoryRow> memory = new ArrayList<>();
    final List<AuthRow> auth = new ArrayList<>();
    final List<PathRow> paths = new ArrayList<>();
    final List<UpdatePathRow> updatePaths = new ArrayList<>();
    final List<PeerRow> peers = new ArrayList<>();
    final List<BareRow> bare = new ArrayList<>();
    PeakInFlight.Outcome peak;
    String memoryWhere;

    void markdown(PrintStream out, String heading) {
        out.printf(Locale.ROOT, "%n<!-- markdown for the README, ready to paste -->%n%s%n", heading);
        if (!workloads.isEmpty()) {
            out.printf("%n| workload | conc | gateway ops/s | direct ops/s | g/d throughput | gateway p50 / p99 ms | direct p50 / p99 ms "
                    + "| gateway CPU µs/op | emulator CPU µs/op, gateway / direct | Java client CPU µs/op, gateway / direct |%n");
            out.println("|---|---|---|---|---|---|---|---|---|---|");
            for (WorkloadRow row : workloads) {
                out.printf(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %s | %s | %s | %s | %s | %s |%n", row.workload(), row.concurrency(),
                        row.gateway().throughput(), row.direct().throughput(),
                        ratio(row.gateway().throughput(), row.direct().throughput()), p50p99(row.gateway()), p50p99(row.direct()),
                        gatewayCpu(row.gateway()), emulatorCpu(row.gateway(), row.direct()), clientCpu(row.gateway(), row.direct()));
            }
        }
        if (!bare.isEmpty()) {
            out.printf("%n| bare gRPC round trip (Health/Check), conc | ops/s | p50 / p99 ms | gateway CPU µs/call | Java client CPU µs/call |%n");
            out.println("|---|---|---|---|---|");
            for (BareRow row : bare) {
                out.printf(Locale.ROOT, "| %d | %,.0f | %s | %s | %s |%n", row.concurrency(), row.result().throughput(),
                        p50p99(row.result()), gatewayCpu(row.result()),
                        CpuUse.perOp(row.result().cpu().clientNanos(), row.result().operations()));
            }
        }
        if (!peers.isEmpty()) {
            out.printf("%n| workload | conc | client | through hubgate ops/s | its SDK direct ops/s | hubgate / SDK | hubgate p50 / p99 ms "
                    + "| SDK p50 / p99 ms | gateway CPU µs/op | emulator CPU µs/op, hubgate / SDK | client CPU µs/op, hubgate / SDK |%n");
            out.println("|---|---|---|---|---|---|---|---|---|---|---|");
            for (PeerRow row : peers) {
                Load.Result sdk = row.sdk();
                out.printf(Locale.ROOT, "| %s | %d | %s | %,.0f | %s | %s | %s | %s | %s | %s | %s |%n", row.workload(), row.concurrency(),
                        row.peer().hasSdk() ? row.peer().label() + " vs " + row.peer().sdk() : row.peer().label() + " (no SDK)",
                        row.gateway().throughput(), sdk == null ? "-" : String.format(Locale.ROOT, "%,.0f", sdk.throughput()),
                        sdk == null ? "-" : ratio(row.gateway().throughput(), sdk.throughput()), p50p99(row.gateway()),
                        sdk == null ? "-" : p50p99(sdk), gatewayCpu(row.gateway()), emulatorCpu(row.gateway(), sdk),
                        clientCpu(row.gateway(), sdk));
            }
        }
        if (!auth.isEmpty()) {
            out.printf("%n| GetTwin, conc | JWT ops/s | no-auth ops/s | throughput JWT / no-auth | JWT p50 / p99 ms | no-auth p50 / p99 ms | p50 JWT − no-auth |%n");
            out.println("|---|---|---|---|---|---|---|");
            for (AuthRow row : auth) {
                out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %s | %s | %s | %s |%n", row.concurrency(), row.jwt().throughput(),
                        row.none().throughput(), ratio(row.jwt().throughput(), row.none().throughput()), p50p99(row.jwt()),
                        p50p99(row.none()), deltaP50(row.jwt(), row.none()));
            }
        }
        if (!paths.isEmpty()) {
            out.printf("%n| GetTwin, conc | SDK ops/s | pipeline (JDK client) ops/s | pipeline (Netty) ops/s | SDK p50 / p99 ms | pipeline p50 / p99 ms | Netty p50 / p99 ms | CPU per call SDK / pipeline / Netty µs |%n");
            out.println("|---|---|---|---|---|---|---|---|");
            for (PathRow row : paths) {
                out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %,.0f | %s | %s | %s | %.0f / %.0f / %.0f |%n", row.concurrency(),
                        row.sdk().throughput(), row.pipeline().throughput(), row.pipelineNetty().throughput(), p50p99(row.sdk()),
                        p50p99(row.pipeline()), p50p99(row.pipelineNetty()), row.sdkCpuMicros(), row.pipelineCpuMicros(),
                        row.nettyCpuMicros());
            }
        }
        if (!updatePaths.isEmpty()) {
            out.printf("%n| UpdateTwin, conc | SDK ops/s | pipeline (JDK client) ops/s | SDK p50 / p99 ms | pipeline p50 / p99 ms | CPU per call SDK / pipeline µs |%n");
            out.println("|---|---|---|---|---|---|");
            for (UpdatePathRow row : updatePaths) {
                out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %s | %s | %.0f / %.0f |%n", row.concurrency(), row.sdk().throughput(),
                        row.pipeline().throughput(), p50p99(row.sdk()), p50p99(row.pipeline()), row.sdkCpuMicros(),
                        row.pipelineCpuMicros());
            }
        }
        if (!starts.isEmpty()) {
            out.printf("%n| start to SERVING (fresh gateway JVM) | median ms | each launch ms |%n");
            out.println("|---|---|---|");
            for (StartRow row : starts) {
                out.printf(Locale.ROOT, "| %s | %,d | %s |%n", row.target(), millis(median(row.nanos())), launches(row.nanos()));
            }
        }
        if (!memory.isEmpty()) {
            out.printf("%n| gateway memory (%s) | RSS MB | peak RSS (VmHWM) MB | heap used MB | heap live after GC MB |%n", memoryWhere);
            out.println("|---|---|---|---|---|");
            for (MemoryRow row : memory) {
                out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", row.when(), mb(row.reading().rssMb()),
                        mb(row.reading().hwmMb()), mb(row.reading().heapMb()), row.afterGc() == null ? "-" : mb(row.afterGc().heapMb()));
            }
        }
        if (peak != null) {
            out.printf(Locale.ROOT, "%n%s%n", peak.summary());
        }
        TargetReading.markdown(out, this);
    }

    /** The memory readings as a text table. */
    void memoryTable(PrintStream out, String where) {
        out.printf(Locale.ROOT, "%n== Gateway memory (%s) ==%n", where);
        out.printf(Locale.ROOT, "%-36s %8s %9s %13s %14s%n", "when", "RSS MB", "VmHWM MB", "heap used MB", "heap live MB");
        for (MemoryRow row : memory) {
            out.printf(Locale.ROOT, "%-36s %8s %9s %13s %14s%n", row.when(), mb(row.reading().rssMb()), mb(row.reading().hwmMb()),
                    mb(row.reading().heapMb()), row.afterGc() == null ? "-" : mb(row.afterGc().heapMb()));
        }
        out.println("(heap used: as found, garbage included; heap live: after a full GC asked of that JVM; "
                + "the peak row holds the highest of each figure sampled while the calls were in flight)");
    }

    /** The gateway JVM's CPU per operation on the gateway path. */
    static String gatewayCpu(Load.Result viaGateway) {
        return CpuUse.perOp(viaGateway.cpu().gatewayNanos(), viaGateway.operations());
    }

    /** "260 / 141": the emulator's CPU per operation on both paths ("-" for a path not run). */
    static String emulatorCpu(Load.Result viaGateway, Load.Result direct) {
        return CpuUse.perOp(viaGateway.cpu().emulatorNanos(), viaGateway.operations()) + " / "
                + (direct == null ? "-" : CpuUse.perOp(direct.cpu().emulatorNanos(), direct.operations()));
    }

    /** "90 / 105": the client's CPU per operation on both paths ("-" for a path not run). */
    static String clientCpu(Load.Result viaGateway, Load.Result direct) {
        return CpuUse.perOp(viaGateway.cpu().clientNanos(), viaGateway.operations()) + " / "
                + (direct == null ? "-" : CpuUse.perOp(direct.cpu().clientNanos(), direct.operations()));
    }

    static String ratio(double a, double b) {
        return b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    /** "2.1 / 12.2": p50 and p99 in milliseconds. */
    static String p50p99(Load.Result result) {
        Histogram h = result.latencies();
        return String.format(Locale.ROOT, "%s / %s", ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)));
    }

    /** "+0.120 ms": the first p50 less the second. */
    static String deltaP50(Load.Result first, Load.Result second) {
        long micros = first.latencies().getValueAtPercentile(50) - second.latencies().getValueAtPercentile(50);
        return String.format(Locale.ROOT, "%+.3f ms", micros / 1e3);
    }

    /** Milliseconds from microseconds: two decimals below 10 ms, one above. */
    static String ms(long micros) {
        return String.format(Locale.ROOT, micros < 10_000 ? "%.2f" : "%.1f", micros / 1e3);
    }

    static String mb(long mb) {
        return mb < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", mb);
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String launches(List<Long> nanos) {
        return String.join(" / ", nanos.stream().map(n -> String.format(Locale.ROOT, "%,d", millis(n))).toList());
    }

    static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
