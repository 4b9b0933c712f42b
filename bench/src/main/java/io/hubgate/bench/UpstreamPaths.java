package io.hubgate.bench;

import com.azure.core.credential.AzureSasCredential;
import com.google.gson.JsonObject;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.server.service.TwinJson;
import io.hubgate.server.credential.HubTrust;
import io.hubgate.server.hub.rest.HubRest;
import io.hubgate.server.hub.rest.RestTransport;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cost of each upstream path for GetTwin and UpdateTwin, in the bench's own JVM: the official
 * SDK's TwinClient (what the gateway used for twins until they moved) against the gateway's controlled path
 * (azure-core's pipeline with its SAS policy, as {@code HubRest} sends it), and that path on
 * azure-core's default Netty client too, which is how the JDK client was chosen. Each pair
 * alternates like the workloads; the same threads, the same emulator and the same SAS token.
 * Each side ends with a twin it can use: the SDK's own model (its parser), the controlled path's
 * text read into the API's twin by {@link TwinJson}, as the gateway's handlers read it.
 */
final class UpstreamPaths {

    /** A response timeout no GetTwin here comes near. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private UpstreamPaths() {
    }

    /** The bench JVM's CPU time while one side runs, per call it made (its warm-up included in both). */
    private static final class CpuMeter {
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        private long cpuNanos;
        private long calls;

        Alternation.Side metered(Alternation.Side side) {
            return (concurrency, nanos) -> {
                long before = OS.getProcessCpuTime();
                Load.Result result = side.run(concurrency, nanos);
                cpuNanos += OS.getProcessCpuTime() - before;
                calls += result.latencies().getTotalCount() + result.errors();
                return result;
            };
        }

        void reset() {
            cpuNanos = 0;
            calls = 0;
        }

        double microsPerCall() {
            return calls == 0 ? 0 : cpuNanos / 1e3 / calls;
        }
    }

    static void compare(PrintStream out, Report report, Comparisons settings, List<Integer> levels, EmulatorCoordinates at,
                        DirectClients direct, AzureSasCredential credential) throws IOException, InterruptedException {
        HubTrust trust = HubTrust.withPem(at.certificatePath());
        HubRest jdk = HubRest.of(RestTransport.withSas(at.hostWithPort(), credential, trust.sslContext()), TIMEOUT);
        HubRest netty = HubRest.of(RestTransport.withSas(at.hostWithPort(), credential, trust.identityHttpClient()), TIMEOUT);
        int twins = settings.twins();
        AtomicInteger sequence = new AtomicInteger();
        CpuMeter sdkCpu = new CpuMeter();
        CpuMeter jdkCpu = new CpuMeter();
        CpuMeter nettyCpu = new CpuMeter();
        Alternation.Side sdk = sdkCpu.metered((c, nanos) -> Load.threads(c, nanos, sequence,
                i -> direct.twins().get(Workload.twinId(i, twins))));
        Alternation.Side pipelineJdk = jdkCpu.metered((c, nanos) -> Load.threads(c, nanos, sequence,
                i -> TwinJson.read(jdk.getTwin(Workload.twinId(i, twins), ""))));
        Alternation.Side pipelineNetty = nettyCpu.metered((c, nanos) -> Load.threads(c, nanos, sequence,
                i -> TwinJson.read(netty.getTwin(Workload.twinId(i, twins), ""))));
        out.printf(Locale.ROOT, "%n== Upstream paths: GetTwin through the SDK and through the controlled path (azure-core pipeline) ==%n");
        TextRows.header(out);
        for (int level : levels) {
            sdkCpu.reset();
            jdkCpu.reset();
            nettyCpu.reset();
            Alternation.Pair jdkPair = Alternation.run(level, settings.warmup(), settings.duration(), settings.rounds(), pipelineJdk, sdk);
            TextRows.row(out, level, "pipeline", jdkPair.first());
            TextRows.row(out, level, "sdk", jdkPair.second());
            TextRows.ratios(out, level, "p/sdk", jdkPair.first(), jdkPair.second());
            Alternation.Pair nettyPair = Alternation.run(level, settings.warmup(), settings.duration(), settings.rounds(), pipelineNetty, sdk);
            TextRows.row(out, level, "p-netty", nettyPair.first());
            TextRows.row(out, level, "sdk", nettyPair.second());
            TextRows.ratios(out, level, "pn/sdk", nettyPair.first(), nettyPair.second());
            TextRows.firstErrors(out, jdkPair.first(), jdkPair.second());
            TextRows.firstErrors(out, nettyPair.first(), nettyPair.second());
            out.printf(Locale.ROOT, "%-6d %-8s CPU per call (whole bench JVM, emulator included): sdk %.0f us, pipeline %.0f us, "
                    + "pipeline on Netty %.0f us%n", level, "cpu", sdkCpu.microsPerCall(), jdkCpu.microsPerCall(), nettyCpu.microsPerCall());
            report.paths.add(new Report.PathRow(level, jdkPair.second(), jdkPair.first(), nettyPair.first(),
                    sdkCpu.microsPerCall(), jdkCpu.microsPerCall(), nettyCpu.microsPerCall()));
        }
        compareUpdates(out, report, settings, levels, direct, jdk);
    }

    /**
     * UpdateTwin (a merge of one desired key, unconditional, answered with the whole twin) through
     * the SDK's TwinClient and through the controlled path on the JDK client, as the gateway sends it.
     */
    private static void compareUpdates(PrintStream out, Report report, Comparisons settings, List<Integer> levels,
                                       DirectClients direct, HubRest jdk) throws InterruptedException {
        int twins = settings.twins();
        AtomicInteger sequence = new AtomicInteger();
        CpuMeter sdkCpu = new CpuMeter();
        CpuMeter jdkCpu = new CpuMeter();
        Alternation.Side sdk = sdkCpu.metered((c, nanos) -> Load.threads(c, nanos, sequence, i -> {
            com.microsoft.azure.sdk.iot.service.twin.Twin patch = new com.microsoft.azure.sdk.iot.service.twin.Twin(
                    Workload.twinId(i, twins));
            patch.getDesiredProperties().put("interval", i % 60);
            direct.twins().patch(patch);
        }));
        Alternation.Side pipeline = jdkCpu.metered((c, nanos) -> Load.threads(c, nanos, sequence, i -> {
            JsonObject desired = new JsonObject();
            desired.addProperty("interval", i % 60);
            JsonObject properties = new JsonObject();
            properties.add("desired", desired);
            JsonObject patch = new JsonObject();
            patch.add("properties", properties);
            TwinJson.read(jdk.patchTwin(Workload.twinId(i, twins), "", patch, null));
        }));
        out.printf(Locale.ROOT, "%n== Upstream paths: UpdateTwin (merge one desired key) through the SDK and through the controlled path ==%n");
        TextRows.header(out);
        for (int level : levels) {
            sdkCpu.reset();
            jdkCpu.reset();
            Alternation.Pair pair = Alternation.run(level, settings.warmup(), settings.duration(), settings.rounds(), pipeline, sdk);
            TextRows.row(out, level, "pipe-upd", pair.first());
            TextRows.row(out, level, "sdk-upd", pair.second());
            TextRows.ratios(out, level, "pu/sdk", pair.first(), pair.second());
            TextRows.firstErrors(out, pair.first(), pair.second());
            out.printf(Locale.ROOT, "%-6d %-8s CPU per call (whole bench JVM, emulator included): sdk %.0f us, pipeline %.0f us%n",
                    level, "cpu-upd", sdkCpu.microsPerCall(), jdkCpu.microsPerCall());
            report.updatePaths.add(new Report.UpdatePathRow(level, pair.second(), pair.first(), sdkCpu.microsPerCall(),
                    jdkCpu.microsPerCall()));
        }
    }
}
