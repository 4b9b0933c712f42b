package io.hubgate.server.service;

import com.microsoft.azure.sdk.iot.service.twin.Twin;
import io.hubgate.bench.BenchFixtures;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.EmulatorCoordinates;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Profiling driver (not part of the build): what mapping one twin costs the gateway, per call, in
 * allocated bytes (exact: the thread's allocation counter) and CPU time (the thread's CPU clock),
 * against the SDK's own parsing of the same twin for scale. The twin is a real emulator answer
 * (a seeded bench twin), parsed by the official SDK. Allocation does not depend on how busy the
 * machine is, so before/after comparisons of the mapping hold on a loaded machine too.
 *
 * It calls the gateway's TwinJson (JSON straight to the proto, one pass; it replaced the SDK
 * parse + TwinMapper), compiled into the same package:
 *
 * mvn -B -q -pl bench -am package -DskipTests
 * CP=$(bench/profiling/classpath.sh)
 * javac -d /tmp/mapping-cost -cp "$CP" bench/profiling/MappingCost.java
 * java -cp "/tmp/mapping-cost:$CP" io.hubgate.server.service.MappingCost [calls per round, default 200000]
 */
public class MappingCost {
    public static void main(String[] args) throws Exception {
        String json;
        try (IotHubEmulator emulator = IotHubEmulator.builder().port(0).build().start()) {
            EmulatorCoordinates at = emulator.coordinates();
            BenchFixtures.seed(at, 10);
            HttpClient http = HttpClient.newBuilder().sslContext(at.trustingSslContext()).build();
            json = http.send(HttpRequest.newBuilder(URI.create(at.baseUrl() + "/twins/bench-3?api-version=2021-04-12"))
                    .header("Authorization", at.sasToken(IotHubEmulator.OWNER_POLICY, Duration.ofHours(1))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
        System.out.println(json);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = Integer.parseInt(args.length > 0 ? args[0] : "200000");
        for (int round = 0; round < 3; round++) {
            long sink = 0;
            long a0 = mx.getCurrentThreadAllocatedBytes(), c0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) sink += Twin.fromJson(json).hashCode();
            long a1 = mx.getCurrentThreadAllocatedBytes(), c1 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) sink += TwinJson.read(json).getSerializedSize();
            long a2 = mx.getCurrentThreadAllocatedBytes(), c2 = mx.getCurrentThreadCpuTime();
            io.hubgate.api.v1.Twin proto = TwinJson.read(json);
            for (int i = 0; i < n; i++) sink += proto.toByteArray().length;
            long a3 = mx.getCurrentThreadAllocatedBytes(), c3 = mx.getCurrentThreadCpuTime();
            System.out.printf("round %d: SDK Twin.fromJson %6d B %6.1f us | TwinJson.read %6d B %6.1f us | proto.toByteArray %5d B %5.1f us (%d bytes) %d%n",
                    round, (a1 - a0) / n, (c1 - c0) / 1e3 / n, (a2 - a1) / n, (c2 - c1) / 1e3 / n, (a3 - a2) / n, (c3 - c2) / 1e3 / n,
                    proto.getSerializedSize(), sink % 2);
        }
    }
}
