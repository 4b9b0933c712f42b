package io.hubgate.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness at toy size, with the gateway in its own JVM as in a real run and every peer the
 * build set up (bench/peers: Python, Node, Go load drivers, at one level to keep it short): every
 * row printed, no call failed, figures in a sane range, no gateway JVM or peer left behind.
 * Timings and CPU figures are printed, never asserted.
 */
class GatewayBenchmarkTest {

    /** The peers the build set up ({@code -Dbench.peers}), where it set them up. */
    private static final List<String> PEERS = Arrays.stream(System.getProperty("hubgate.bench.peers", "python,node,go").split(","))
            .map(String::strip).filter(peer -> !peer.isEmpty()).toList();
    private static final String PEERS_DIR = System.getProperty("hubgate.bench.peers.dir", "peers");
    private static final int PEER_LEVEL = 4;

    @Test
    void smoke_printsEverySectionAndRow_withoutErrors_andLeavesNoGatewayRunning() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("--smoke", "--channels", "2", "--markdown"));
        if (!PEERS.isEmpty()) {
            args.addAll(List.of("--peers", String.join(",", PEERS), "--peers-dir", PEERS_DIR, "--peer-concurrency", Integer.toString(PEER_LEVEL)));
        }
        int exit = GatewayBenchmark.commandLine(new GatewayBenchmark(new PrintStream(buffer, true, StandardCharsets.UTF_8)))
                .execute(args.toArray(String[]::new));
        String printed = buffer.toString(StandardCharsets.UTF_8);

        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("seeded 200 twins", "2 channel(s), gateway process", "gateway under test: own JVM, pid ");
        assertThat(printed).doesNotContain("first error", "first failure", "heap unavailable", "n/a");
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).as("gateway JVMs or peers left")
                .isZero();

        // Each workload, each level, both modes, no errors; and their ratios.
        for (Workload workload : Workload.values()) {
            assertThat(printed).contains("== " + workload.title + " ==");
        }
        for (int level : new int[] {1, 4}) {
            for (String mode : new String[] {"gateway", "direct"}) {
                assertThat(rows(printed, level + " +" + mode + " +\\d+ .* 0$")).as(level + " " + mode).isEqualTo(Workload.values().length);
            }
            assertThat(rows(printed, level + " +g/d ")).isEqualTo(Workload.values().length);
            // Caller auth: JWT against none, both answered every call.
            assertThat(rows(printed, level + " +jwt +\\d+ .* 0$")).as(level + " jwt").isOne();
            assertThat(rows(printed, level + " +no-auth +\\d+ .* 0$")).as(level + " no-auth").isOne();
            assertThat(rows(printed, level + " +delta +p50 [+-]\\d+\\.\\d+ ms, throughput jwt/no-auth \\d+\\.\\d+")).isOne();
            // Upstream paths: GetTwin through the pipeline (JDK and Netty clients) and the SDK, every call answered.
            for (String path : new String[] {"pipeline", "p-netty"}) {
                assertThat(rows(printed, level + " +" + path + " +\\d+ .* 0$")).as(level + " " + path).isOne();
            }
            assertThat(rows(printed, level + " +sdk +\\d+ .* 0$")).as(level + " sdk").isEqualTo(2);
            assertThat(rows(printed, level + " +cpu +CPU per call")).isOne();
            // And UpdateTwin through the pipeline and the SDK.
            assertThat(rows(printed, level + " +pipe-upd +\\d+ .* 0$")).as(level + " pipe-upd").isOne();
            assertThat(rows(printed, level + " +sdk-upd +\\d+ .* 0$")).as(level + " sdk-upd").isOne();
            assertThat(rows(printed, level + " +cpu-upd +CPU per call")).isOne();
            // A bare gRPC round trip, with the gateway's CPU per call measured.
            assertThat(rows(printed, level + " +health +\\d+ .* \\d+ +(\\d+|-) +\\d+ +0$")).as(level + " health").isOne();
            // And from the Node peer, on its own channel to the gateway: grpc-js's own floor.
            if (PEERS.contains("node")) {
                assertThat(rows(printed, level + " +node:health +\\d+ .* 0$")).as(level + " node:health").isOne();
            }
        }
        // The Java rows carry the gateway's and the emulator's CPU per operation (numbers, not "-").
        assertThat(rows(printed, "1 +gateway +\\d+ +[\\d.]+ +[\\d.]+ +[\\d.]+ +[\\d.]+ +\\d+ +\\d+ +\\d+ +0$"))
                .isEqualTo(Workload.values().length);

        // The peers: each started, each workload from each, both paths where the language has an SDK.
        for (String peer : PEERS) {
            assertThat(printed).containsPattern("peer " + peer + ": .*, pid \\d+: one gRPC channel to the gateway");
            assertThat(rows(printed, PEER_LEVEL + " +" + peer + ":gateway +\\d+ .* \\d+ +\\d+ +\\d+ +0$")).as(peer + " gateway")
                    .isEqualTo(Workload.values().length);
            boolean hasSdk = !peer.equals("go");
            assertThat(rows(printed, PEER_LEVEL + " +" + peer + ":sdk +\\d+ .* 0$")).as(peer + " sdk")
                    .isEqualTo(hasSdk ? Workload.values().length : 0);
            assertThat(rows(printed, PEER_LEVEL + " +" + peer + ":g/sdk ")).isEqualTo(hasSdk ? Workload.values().length : 0);
        }
        for (Workload workload : Workload.values()) {
            assertThat(printed).contains("== " + workload.title + " from other languages:");
        }

        // Start to SERVING: one launch of each kind, in a sane range (a JVM start, under two minutes).
        for (String kind : List.of("embedded emulator \\(no --hub-host\\), JWT", "running emulator, SAS, JWT")) {
            Matcher start = Pattern.compile("(?m)^" + kind + " +([\\d,]+) +([\\d,]+)$").matcher(printed);
            assertThat(start.find()).as(kind + "\n" + printed).isTrue();
            assertThat(number(start.group(1))).isBetween(1L, 120_000L);
        }

        // Peak: every call answered.
        assertThat(printed).containsPattern("50 GetTwin calls fired at once, twin reads delayed 300 ms by the emulator: "
                + "50 answered OK \\(in p50 \\d+\\.\\d s, max \\d+\\.\\d s\\), 0 failed;");

        // Memory: four readings of the gateway's own JVM, RSS in a sane range, VmHWM at least RSS, live heap below RSS.
        Matcher memory = Pattern.compile("(?m)^(idle, just started|after warm-up \\(GetTwin done\\)|peak, 50 calls in flight|at the end)"
                + " +([\\d,]+) +([\\d,]+) +([\\d,]+) +([\\d,]+)$").matcher(printed);
        int readings = 0;
        while (memory.find()) {
            readings++;
            long rss = number(memory.group(2));
            long hwm = number(memory.group(3));
            long live = number(memory.group(5));
            assertThat(rss).as(memory.group()).isBetween(16L, 64L * 1024);
            assertThat(hwm).as(memory.group()).isGreaterThanOrEqualTo(rss);
            assertThat(live).as(memory.group()).isBetween(1L, rss);
        }
        assertThat(readings).as(printed).isEqualTo(4);

        // The markdown tables for the README.
        assertThat(printed).contains("| workload | conc | gateway ops/s |", "| GetTwin | 4 |", "| GetTwin, conc | JWT ops/s |",
                "| GetTwin, conc | SDK ops/s | pipeline (JDK client) ops/s |",
                "| start to SERVING (fresh gateway JVM) |", "| gateway memory (its own JVM, default JVM flags) |",
                "| bare gRPC round trip (Health/Check), conc |");
        for (String peer : PEERS) {
            assertThat(printed).contains("| workload | conc | client | through hubgate ops/s |");
            assertThat(printed).containsPattern("\\| GetTwin \\| " + PEER_LEVEL + " \\| " + peer + " (vs |\\(no SDK\\))");
        }
    }

    /** Lines that start with {@code row} (a regex; end it with $ to match a whole line). */
    private static long rows(String printed, String row) {
        return Pattern.compile("(?m)^" + row).matcher(printed).results().count();
    }

    private static long number(String digits) {
        return Long.parseLong(digits.replace(",", ""));
    }
}
