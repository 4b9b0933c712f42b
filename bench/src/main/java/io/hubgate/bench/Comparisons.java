package io.hubgate.bench;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The alternating comparisons of a run, printed as they go and kept in the {@link Report}: each
 * workload through the gateway against direct SDK calls, from Java and from each peer language
 * (Python and Node against their own SDK, Go through the gateway alone); a bare gRPC round trip;
 * and GetTwin through a gateway with JWT caller auth against one without. The {@code meter}
 * charges CPU to each side of the first three.
 *
 * @param warmup    unmeasured time per side before the rounds
 * @param jitWarmup the longer warm-up of fresh JVMs: per side before the caller-auth comparison
 *                  (its two gateway JVMs are new), and of {@link #warmUp} before the workloads; a
 *                  short one measured JIT compilation, not the gateway
 * @param duration  measured time per side, split over the rounds
 * @param meter     charges CPU to the sides of the workloads, the peers and the bare round trip
 */
record Comparisons(PrintStream out, Report report, int twins, Duration warmup, Duration jitWarmup, Duration duration,
                   int rounds, CostMeter meter) {

    /**
     * Unmeasured: the mixed workload through the gateway and directly, so that the first workload
     * measured does not pay for the gateway JVM's JIT compilation (GetTwin, measured first, was
     * 2–3× slower at concurrency 1 than the same calls inside the later mixed workload).
     */
    void warmUp(Duration time, int concurrency, GatewayStubs stubs, DirectClients direct) throws InterruptedException {
        out.printf(Locale.ROOT, "%nwarming up the gateway JVM and the direct clients: %s each, mixed workload, concurrency %d%n",
                time, concurrency);
        AtomicInteger sequence = new AtomicInteger();
        Load.async(concurrency, time.toNanos(), sequence, i -> Workload.MIXED.viaGateway(stubs, "wg", i, twins));
        Load.threads(concurrency, time.toNanos(), sequence, i -> Workload.MIXED.direct(direct, "wd", i, twins));
    }

    /** The gateway (async stubs) against the official SDK (one thread per concurrent call). */
    void gatewayAgainstDirect(Workload workload, List<Integer> levels, GatewayStubs stubs, DirectClients direct)
            throws InterruptedException {
        out.printf(Locale.ROOT, "%n== %s ==%n", workload.title);
        TextRows.header(out);
        AtomicInteger sequence = new AtomicInteger();
        String name = workload.name().toLowerCase(Locale.ROOT);
        for (int level : levels) {
            Alternation.Side viaGateway = meter.javaSide((c, nanos) -> Load.async(c, nanos, sequence,
                    i -> workload.viaGateway(stubs, "g" + name, i, twins)));
            Alternation.Side viaSdk = meter.javaSide((c, nanos) -> Load.threads(c, nanos, sequence,
                    i -> workload.direct(direct, "d" + name, i, twins)));
            Alternation.Pair pair = Alternation.run(level, warmup, duration, rounds, viaGateway, viaSdk);
            TextRows.row(out, level, "gateway", pair.first());
            TextRows.row(out, level, "direct", pair.second());
            TextRows.ratios(out, level, "g/d", pair.first(), pair.second());
            TextRows.firstErrors(out, pair.first(), pair.second());
            report.workloads.add(new Report.WorkloadRow(workload.title, level, pair.first(), pair.second()));
        }
    }

    /**
     * The same workload from each peer: through the gateway and, where the language has one, with
     * its official SDK direct, alternating; Go through the gateway alone.
     */
    void peers(Workload workload, List<Integer> levels, List<PeerProcess> peers) throws InterruptedException {
        out.printf(Locale.ROOT, "%n== %s from other languages: through hubgate (gateway) and with their own SDK direct (sdk) ==%n",
                workload.title);
        TextRows.header(out);
        for (int level : levels) {
            for (PeerProcess peer : peers) {
                String label = peer.peer().label();
                Alternation.Side viaGateway = meter.metered((c, nanos) -> peer.run(workload, "gateway", c, nanos), peer.cpu());
                if (peer.peer().hasSdk()) {
                    Alternation.Side viaSdk = meter.metered((c, nanos) -> peer.run(workload, "sdk", c, nanos), peer.cpu());
                    Alternation.Pair pair = Alternation.run(level, warmup, duration, rounds, viaGateway, viaSdk);
                    TextRows.row(out, level, label + ":gateway", pair.first());
                    TextRows.row(out, level, label + ":sdk", pair.second());
                    TextRows.ratios(out, level, label + ":g/sdk", pair.first(), pair.second());
                    TextRows.firstErrors(out, pair.first(), pair.second());
                    report.peers.add(new Report.PeerRow(workload.title, level, peer.peer(), pair.first(), pair.second()));
                } else {
                    Load.Result alone = Alternation.single(level, warmup, duration, rounds, viaGateway);
                    TextRows.row(out, level, label + ":gateway", alone);
                    TextRows.firstErrors(out, alone);
                    report.peers.add(new Report.PeerRow(workload.title, level, peer.peer(), alone, null));
                }
            }
        }
    }

    /**
     * The gateway's health check on the same channel, from Java: a bare gRPC round trip (no caller
     * auth, no upstream call), what every call through the gateway costs before the gateway does
     * anything.
     */
    void bareGrpc(List<Integer> levels, GatewayStubs stubs, List<PeerProcess> peers) throws InterruptedException {
        out.printf(Locale.ROOT, "%n== Bare gRPC round trip: the gateway's Health/Check on the same channel (no auth, no upstream) ==%n");
        TextRows.header(out);
        HealthCheckRequest request = HealthCheckRequest.getDefaultInstance();
        AtomicInteger sequence = new AtomicInteger();
        for (int level : levels) {
            Alternation.Side check = meter.javaSide((c, nanos) -> Load.async(c, nanos, sequence,
                    i -> Workload.<HealthCheckResponse>unary(observer -> stubs.health().check(request, observer))));
            Load.Result result = Alternation.single(level, warmup, duration, rounds, check);
            TextRows.row(out, level, "health", result);
            TextRows.firstErrors(out, result);
            report.bare.add(new Report.BareRow(level, result));
            // The same from the peers that can: what their gRPC library alone costs per call (the "cli" column).
            for (PeerProcess peer : peers) {
                if (peer.peer().answersHealth()) {
                    Alternation.Side peerCheck = meter.metered((c, nanos) -> peer.run("health", "gateway", c, nanos), peer.cpu());
                    Load.Result fromPeer = Alternation.single(level, warmup, duration, rounds, peerCheck);
                    TextRows.row(out, level, peer.peer().label() + ":health", fromPeer);
                    TextRows.firstErrors(out, fromPeer);
                }
            }
        }
    }

    /** GetTwin through a gateway that verifies a JWT on every call against one that authenticates no one. */
    void callerAuth(List<Integer> levels, GatewayStubs jwt, GatewayStubs none) throws InterruptedException {
        out.printf(Locale.ROOT, "%n== Cost of caller auth: GetTwin, gateway with JWT vs gateway with --insecure-no-auth ==%n");
        TextRows.header(out);
        AtomicInteger sequence = new AtomicInteger();
        for (int level : levels) {
            Alternation.Side withJwt = (c, nanos) -> Load.async(c, nanos, sequence, i -> Workload.GET_TWIN.viaGateway(jwt, "a", i, twins));
            Alternation.Side withNone = (c, nanos) -> Load.async(c, nanos, sequence, i -> Workload.GET_TWIN.viaGateway(none, "a", i, twins));
            Alternation.Pair pair = Alternation.run(level, jitWarmup, duration, rounds, withJwt, withNone);
            TextRows.row(out, level, "jwt", pair.first());
            TextRows.row(out, level, "no-auth", pair.second());
            TextRows.ratios(out, level, "jwt/none", pair.first(), pair.second());
            out.printf(Locale.ROOT, "%-6d %-15s p50 %s, throughput jwt/no-auth %s%n", level, "delta",
                    Report.deltaP50(pair.first(), pair.second()), Report.ratio(pair.first().throughput(), pair.second().throughput()));
            TextRows.firstErrors(out, pair.first(), pair.second());
            report.auth.add(new Report.AuthRow(level, pair.first(), pair.second()));
        }
    }
}
