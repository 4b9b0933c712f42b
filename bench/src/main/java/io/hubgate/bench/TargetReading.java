package io.hubgate.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a run's figures against the performance targets (issue 16), each against parts measured
 * in the same run, and prints where each stands. Reads, never asserts: a shared 2-core machine
 * moves absolute figures too much for a test to judge them.
 */
final class TargetReading {

    /** One target: what it asks, what this run measured, and whether that meets it ("yes", "no", or "not measured"). */
    record Line(String target, String measured, String met) {
    }

    /** Slack the CPU target allows on top of its two measured parts. */
    static final double CPU_SLACK_MICROS = 50;
    /** Slack the latency target allows on top of a bare gRPC round trip. */
    static final double LATENCY_SLACK_MICROS = 100;
    static final double PYTHON_RATIO = 2.0;
    static final double NODE_RATIO = 0.55;
    static final int NODE_LEVEL = 16;
    static final long START_WITHOUT_EMULATOR_MILLIS = 1_500;
    static final long START_WITH_EMULATOR_MILLIS = 2_000;

    private static final String GET_TWIN = Workload.GET_TWIN.title;
    private static final String NOT_MEASURED = "not measured";

    private TargetReading() {
    }

    static List<Line> read(Report report) {
        List<Line> lines = new ArrayList<>();
        gatewayCpu(report, lines);
        addedLatency(report, lines);
        python(report, lines);
        node(report, lines);
        startup(report, lines);
        return lines;
    }

    static void print(PrintStream out, Report report) {
        out.printf(Locale.ROOT, "%n== Targets (read from this run, not asserted) ==%n");
        for (Line line : read(report)) {
            out.printf(Locale.ROOT, "- %s: %s: %s%n", line.target(), line.measured(), line.met());
        }
    }

    static void markdown(PrintStream out, Report report) {
        out.printf("%n| target | this run | met? |%n|---|---|---|%n");
        for (Line line : read(report)) {
            out.printf(Locale.ROOT, "| %s | %s | %s |%n", line.target(), line.measured(), line.met());
        }
    }

    /** Gateway CPU per GetTwin ≤ the SDK call's CPU (Java direct, its calling threads) + a bare gRPC call's gateway CPU + 50 µs. */
    private static void gatewayCpu(Report report, List<Line> lines) {
        String target = "gateway CPU per GetTwin ≤ the SDK call's CPU + a bare gRPC call's gateway CPU + 50 µs";
        for (Report.WorkloadRow row : getTwinRows(report)) {
            Optional<Report.BareRow> bare = report.bare.stream().filter(b -> b.concurrency() == row.concurrency()).findFirst();
            double gateway = CpuUse.microsPerOp(row.gateway().cpu().gatewayNanos(), row.gateway().operations());
            double sdk = CpuUse.microsPerOp(row.direct().cpu().clientNanos(), row.direct().operations());
            double grpc = bare.map(b -> CpuUse.microsPerOp(b.result().cpu().gatewayNanos(), b.result().operations())).orElse(Double.NaN);
            String label = target + ", concurrency " + row.concurrency();
            if (Double.isNaN(gateway) || Double.isNaN(sdk) || Double.isNaN(grpc)) {
                lines.add(new Line(label, NOT_MEASURED, NOT_MEASURED));
                continue;
            }
            double allowed = sdk + grpc + CPU_SLACK_MICROS;
            lines.add(new Line(label, String.format(Locale.ROOT, "%.0f µs against %.0f + %.0f + %.0f = %.0f µs", gateway, sdk, grpc,
                    CPU_SLACK_MICROS, allowed), verdict(gateway <= allowed)));
        }
    }

    /** GetTwin p50 through the gateway − direct, at concurrency 1, ≤ a bare gRPC round trip's p50 + 100 µs. */
    private static void addedLatency(Report report, List<Line> lines) {
        String target = "added p50 at concurrency 1 (GetTwin, gateway − direct) ≤ a bare gRPC round trip + 100 µs";
        Optional<Report.WorkloadRow> row = getTwinRows(report).stream().filter(r -> r.concurrency() == 1).findFirst();
        Optional<Report.BareRow> bare = report.bare.stream().filter(b -> b.concurrency() == 1).findFirst();
        if (row.isEmpty() || bare.isEmpty()) {
            lines.add(new Line(target, NOT_MEASURED, NOT_MEASURED));
            return;
        }
        long added = p50(row.get().gateway()) - p50(row.get().direct());
        long allowed = p50(bare.get().result()) + (long) LATENCY_SLACK_MICROS;
        lines.add(new Line(target, String.format(Locale.ROOT, "%+d µs against %d + %.0f = %d µs", added, p50(bare.get().result()),
                LATENCY_SLACK_MICROS, allowed), verdict(added <= allowed)));
    }

    /** Python through the gateway ≥ 2× its SDK direct, at every concurrency (every workload; the lowest is shown). */
    private static void python(Report report, List<Line> lines) {
        List<Report.PeerRow> rows = report.peers.stream().filter(r -> r.peer() == Peer.PYTHON).toList();
        String target = String.format(Locale.ROOT, "Python through hubgate ≥ %.0f× its SDK direct at every concurrency", PYTHON_RATIO);
        if (rows.isEmpty()) {
            lines.add(new Line(target, NOT_MEASURED, NOT_MEASURED));
            return;
        }
        Report.PeerRow lowest = rows.stream().min(Comparator.comparingDouble(TargetReading::ratio)).orElseThrow();
        List<String> getTwin = rows.stream().filter(r -> r.workload().equals(GET_TWIN))
                .map(r -> String.format(Locale.ROOT, "%.2f× at %d", ratio(r), r.concurrency())).toList();
        lines.add(new Line(target, String.format(Locale.ROOT, "GetTwin %s; lowest %.2f× (%s at %d)", String.join(", ", getTwin),
                ratio(lowest), lowest.workload(), lowest.concurrency()), verdict(ratio(lowest) >= PYTHON_RATIO)));
    }

    /** Node through the gateway ≥ 0.55× its SDK direct at 16 in flight (GetTwin). */
    private static void node(Report report, List<Line> lines) {
        String target = String.format(Locale.ROOT, "Node through hubgate ≥ %.2f× its SDK direct at %d in flight (GetTwin)", NODE_RATIO,
                NODE_LEVEL);
        Optional<Report.PeerRow> row = report.peers.stream()
                .filter(r -> r.peer() == Peer.NODE && r.workload().equals(GET_TWIN) && r.concurrency() == NODE_LEVEL).findFirst();
        if (row.isEmpty()) {
            lines.add(new Line(target, NOT_MEASURED, NOT_MEASURED));
            return;
        }
        List<String> others = report.peers.stream().filter(r -> r.peer() == Peer.NODE && r.concurrency() == NODE_LEVEL)
                .filter(r -> !r.workload().equals(GET_TWIN)).map(r -> String.format(Locale.ROOT, "%s %.2f×", r.workload(), ratio(r)))
                .toList();
        lines.add(new Line(target, String.format(Locale.ROOT, "%.2f×%s", ratio(row.get()),
                others.isEmpty() ? "" : " (" + String.join(", ", others) + ")"), verdict(ratio(row.get()) >= NODE_RATIO)));
    }

    /** Start to SERVING of a fresh gateway JVM, medians: ≤ 1.5 s to a running hub, ≤ 2.0 s with its embedded emulator. */
    private static void startup(Report report, List<Line> lines) {
        if (report.starts.isEmpty()) {
            lines.add(new Line("start to SERVING", NOT_MEASURED, NOT_MEASURED));
            return;
        }
        for (Report.StartRow row : report.starts) {
            boolean embedded = row.target().startsWith("embedded");
            long limit = embedded ? START_WITH_EMULATOR_MILLIS : START_WITHOUT_EMULATOR_MILLIS;
            long median = Report.millis(Report.median(row.nanos()));
            lines.add(new Line(String.format(Locale.ROOT, "start to SERVING ≤ %.1f s, %s", limit / 1e3, row.target()),
                    String.format(Locale.ROOT, "%,d ms (median of %d)", median, row.nanos().size()), verdict(median <= limit)));
        }
    }

    private static List<Report.WorkloadRow> getTwinRows(Report report) {
        return report.workloads.stream().filter(r -> r.workload().equals(GET_TWIN)).toList();
    }

    private static double ratio(Report.PeerRow row) {
        return row.sdk() == null || row.sdk().throughput() == 0 ? Double.NaN : row.gateway().throughput() / row.sdk().throughput();
    }

    private static long p50(Load.Result result) {
        return result.latencies().getValueAtPercentile(50);
    }

    private static String verdict(boolean met) {
        return met ? "yes" : "no";
    }
}
