package io.hubgate.bench;

import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Loads N devices with twins into an in-process emulator over HTTPS and prints throughput of
 * create / get twin / patch twin and the latency of query pages. It measures; it asserts
 * nothing, because timings on a shared machine are only comparable within one run.
 */
@Command(name = "emulator-benchmark", mixinStandardHelpOptions = true,
        description = "Measures the IoT Hub emulator: create/get/patch throughput and query page latency.")
public final class EmulatorBenchmark implements Callable<Integer> {

    @Option(names = "--devices", defaultValue = "100000", description = "Devices (with twins) to load (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--concurrency", defaultValue = "8", description = "Client threads (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--operations", defaultValue = "20000", description = "Get and patch operations measured (default ${DEFAULT-VALUE}).")
    int operations;

    @Option(names = "--query-samples", defaultValue = "20", description = "Times each query page is measured (default ${DEFAULT-VALUE}).")
    int querySamples;

    private final PrintStream out;

    public EmulatorBenchmark() {
        this(System.out);
    }

    EmulatorBenchmark(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new EmulatorBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try (IotHubEmulator emulator = IotHubEmulator.builder().workerThreads(Math.max(concurrency, 4)).build().start()) {
            EmulatorCoordinates at = emulator.coordinates();
            Client client = new Client(at);
            out.printf(Locale.ROOT, "IoT Hub emulator benchmark: %,d devices, %d client threads, %d cores, JDK %s%n",
                    devices, concurrency, Runtime.getRuntime().availableProcessors(), Runtime.version());

            warmUp(client);
            report("create device", run(devices, i -> client.put("/devices/bench-" + i, "{\"deviceId\":\"bench-" + i + "\"}")));
            report("patch twin (tags)", run(devices, i -> client.patch("/twins/bench-" + i,
                    "{\"tags\":{\"bucket\":" + (i % 100) + ",\"site\":\"site-" + (i % 7) + "\"},"
                            + "\"properties\":{\"desired\":{\"interval\":" + (i % 60) + "}}}")));
            report("get twin", run(operations, i -> client.get("/twins/bench-" + (i * 7919 % devices))));
            report("patch twin (desired)", run(operations, i -> client.patch("/twins/bench-" + (i * 7919 % devices),
                    "{\"properties\":{\"desired\":{\"interval\":" + i % 60 + "}}}")));

            out.printf(Locale.ROOT, "heap after load: %,d MB (%,d bytes per device with twin)%n",
                    usedHeapBytes() / (1024 * 1024), usedHeapBytes() / Math.max(1, devices));
            queryLatency(client, "first page of 100, SELECT *", "SELECT * FROM devices", 100, 0);
            queryLatency(client, "5th page of 100, SELECT *", "SELECT * FROM devices", 100, 4);
            queryLatency(client, "page of 100, WHERE tags.bucket = 42", "SELECT * FROM devices WHERE tags.bucket = 42", 100, 0);
            queryLatency(client, "COUNT() GROUP BY tags.site", "SELECT tags.site, COUNT() AS n FROM devices GROUP BY tags.site", 100, 0);
        }
        return 0;
    }

    private void warmUp(Client client) throws Exception {
        run(Math.min(2000, Math.max(200, devices / 10)), i -> client.put("/devices/warm-" + i, "{}"));
        run(Math.min(2000, Math.max(200, devices / 10)), i -> client.delete("/devices/warm-" + i));
    }

    /** Runs {@code count} requests over the thread pool; returns per-request latencies in nanoseconds. */
    private long[] run(int count, IntFunction<Integer> request) throws Exception {
        long[] latencies = new long[count];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    long begin = System.nanoTime();
                    int status = request.apply(i);
                    latencies[i] = System.nanoTime() - begin;
                    if (status >= 300) {
                        throw new IllegalStateException("request " + i + " answered " + status);
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        long elapsed = System.nanoTime() - start;
        pool.shutdown();
        lastElapsedNanos = elapsed;
        return latencies;
    }

    private long lastElapsedNanos;

    private void report(String name, long[] latencies) {
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        out.printf(Locale.ROOT, "%-24s %,9.0f req/s   p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms%n", name,
                sorted.length / (lastElapsedNanos / 1e9), millis(percentile(sorted, 0.50)), millis(percentile(sorted, 0.99)),
                millis(sorted[sorted.length - 1]));
    }

    private void queryLatency(Client client, String name, String query, int pageSize, int pagesToSkip) throws Exception {
        String continuation = null;
        for (int page = 0; page < pagesToSkip; page++) {
            continuation = client.query(query, pageSize, continuation).continuation();
        }
        long[] samples = new long[querySamples];
        int items = 0;
        for (int i = 0; i < querySamples; i++) {
            long begin = System.nanoTime();
            Client.QueryResult result = client.query(query, pageSize, continuation);
            samples[i] = System.nanoTime() - begin;
            items = result.items();
        }
        Arrays.sort(samples);
        out.printf(Locale.ROOT, "query %-36s p50 %7.2f ms   p99 %7.2f ms   (%d items)%n", name,
                millis(percentile(samples, 0.50)), millis(percentile(samples, 0.99)), items);
    }

    private static long percentile(long[] sorted, double fraction) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(fraction * sorted.length) - 1)];
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static long usedHeapBytes() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** A minimal REST client with one shared keep-alive HTTP client and one SAS token. */
    private static final class Client {
        private final HttpClient http;
        private final EmulatorCoordinates at;
        private final String token;

        Client(EmulatorCoordinates at) {
            this.at = at;
            this.http = HttpClient.newBuilder().sslContext(at.trustingSslContext()).version(HttpClient.Version.HTTP_1_1).build();
            this.token = at.sasToken("iothubowner", Duration.ofHours(6));
        }

        record QueryResult(int items, String continuation) {
        }

        int put(String path, String body) {
            return send("PUT", path, body, null, null).statusCode();
        }

        int patch(String path, String body) {
            return send("PATCH", path, body, null, null).statusCode();
        }

        int get(String path) {
            return send("GET", path, null, null, null).statusCode();
        }

        int delete(String path) {
            return send("DELETE", path, null, null, null).statusCode();
        }

        QueryResult query(String query, int pageSize, String continuation) {
            HttpResponse<String> response = send("POST", "/devices/query", "{\"query\":\"" + query + "\"}",
                    String.valueOf(pageSize), continuation);
            if (response.statusCode() != 200) {
                throw new IllegalStateException("query answered " + response.statusCode() + ": " + response.body());
            }
            int items;
            try {
                items = io.hubgate.emulator.json.Json.MAPPER.readTree(response.body()).size();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("query answered malformed JSON", e);
            }
            return new QueryResult(items, response.headers().firstValue("x-ms-continuation").orElse(null));
        }

        private HttpResponse<String> send(String method, String path, String body, String pageSize, String continuation) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(at.baseUrl() + path + "?api-version=2021-04-12"))
                    .header("Authorization", token)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            if (pageSize != null) {
                request.header("x-ms-max-item-count", pageSize);
            }
            if (continuation != null) {
                request.header("x-ms-continuation", continuation);
            }
            try {
                return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
            }
        }
    }
}
