package io.hubgate.bench;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The text rows of a measurement: a header, one row per side, one row of ratios. A row's CPU
 * columns are microseconds per operation while that side ran ({@link CostMeter}): the gateway's
 * JVM, the emulator's threads, the client's; "-" where not measured.
 */
final class TextRows {

    private TextRows() {
    }

    static void header(PrintStream out) {
        out.printf(Locale.ROOT, "%-6s %-15s %10s %9s %9s %9s %9s %9s %9s %9s %7s%n", "conc", "mode", "ops/s", "p50 ms", "p90 ms",
                "p99 ms", "max ms", "gw us/op", "emu us/op", "cli us/op", "errors");
    }

    /** What the CPU columns mean, printed once before the first table that has them. */
    static void costLegend(PrintStream out, String gateway) {
        out.printf(Locale.ROOT, "(CPU per operation while that side ran, in µs: gw = %s; emu = the emulator's HTTPS threads "
                + "in the bench JVM, whose GC and JIT are charged to no one; cli = the client: the Java load's threads, or the "
                + "peer's process)%n", gateway);
    }

    static void row(PrintStream out, int concurrency, String mode, Load.Result result) {
        Histogram h = result.latencies();
        CpuUse cpu = result.cpu();
        long ops = result.operations();
        out.printf(Locale.ROOT, "%-6d %-15s %10.0f %9.3f %9.3f %9.3f %9.3f %9s %9s %9s %7d%n", concurrency, mode, result.throughput(),
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getMaxValue() / 1e3, CpuUse.perOp(cpu.gatewayNanos(), ops), CpuUse.perOp(cpu.emulatorNanos(), ops),
                CpuUse.perOp(cpu.clientNanos(), ops), result.errors());
    }

    /** first/second for throughput and each percentile. */
    static void ratios(PrintStream out, int concurrency, String label, Load.Result first, Load.Result second) {
        Histogram a = first.latencies();
        Histogram b = second.latencies();
        out.printf(Locale.ROOT, "%-6d %-15s %10s %9s %9s %9s %9s%n", concurrency, label, Report.ratio(first.throughput(), second.throughput()),
                Report.ratio(a.getValueAtPercentile(50), b.getValueAtPercentile(50)),
                Report.ratio(a.getValueAtPercentile(90), b.getValueAtPercentile(90)),
                Report.ratio(a.getValueAtPercentile(99), b.getValueAtPercentile(99)), Report.ratio(a.getMaxValue(), b.getMaxValue()));
    }

    static void firstErrors(PrintStream out, Load.Result... results) {
        for (Load.Result result : results) {
            if (result.firstError() != null) {
                out.println("  first error: " + result.firstError());
            }
        }
    }
}
