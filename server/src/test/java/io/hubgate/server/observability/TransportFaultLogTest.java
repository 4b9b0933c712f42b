package io.hubgate.server.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubgate.server.support.RawCalls.Wire;
import io.hubgate.server.support.RawHttp2;
import io.hubgate.server.support.ShutdownChildGateway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a client without credentials can make the gateway write with HTTP/2 it should not send:
 * upper-case header names, a garbage {@code grpc-timeout}, broken gRPC frames. grpc-java's
 * transport refuses each before any gateway code runs, and logs it; the log must hold at most one
 * line per fault, with no stack trace, and a flood must be held to a rate (log4j2.xml's
 * transport loggers) — in the text and in the JSON format, read from a real gateway process's
 * output as an operator would.
 */
class TransportFaultLogTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METHOD = "hubgate.v1.RegistryService/GetDevice";
    private static final byte[] GET_DEVICE = new Wire().string(1, "dev").toBytes();
    /** log4j2.xml's BurstFilter on the transport loggers: this many at once, then this many a second. */
    private static final int BURST = 100;
    private static final int PER_SECOND = 10;

    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void upperCaseHeaderFlood_writesNoStackTrace_andIsHeldToTheBurstLimit(String format, @TempDir Path dir) throws Exception {
        int streams = 150;
        try (ShutdownChildGateway gateway = start(format, dir)) {
            long started = System.nanoTime();
            for (int i = 0; i < streams; i++) {
                // The gateway ends the connection after such a stream: a new one each time.
                try (RawHttp2 http2 = new RawHttp2(gateway.port())) {
                    http2.post(METHOD, Map.of("X-Evil", "1"), RawHttp2.frame(0, GET_DEVICE.length, GET_DEVICE));
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            List<String> lines = settledLines(gateway, format);

            assertNoStackTrace(lines, format);
            List<String> transport = transportLines(lines, format);
            assertThat(transport).as("the refusals are logged").isNotEmpty();
            // Also "Transport failed" lines: this client's DATA arrives after the stream's reset.
            assertThat(transport).anySatisfy(line -> assertThat(line).contains("invalid header name"));
            assertThat(transport.size()).as("lines for %d bad streams in %.1f s", streams, seconds)
                    .isLessThanOrEqualTo(BURST + (int) Math.ceil(seconds * PER_SECOND) + 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void garbageTimeoutAndBrokenFrames_areOneLineEach_withoutStackTrace(String format, @TempDir Path dir) throws Exception {
        try (ShutdownChildGateway gateway = start(format, dir)) {
            try (RawHttp2 http2 = new RawHttp2(gateway.port())) {
                http2.post(METHOD, Map.of("grpc-timeout", "garbage"), RawHttp2.frame(0, GET_DEVICE.length, GET_DEVICE));
            }
            try (RawHttp2 http2 = new RawHttp2(gateway.port())) {
                http2.post(METHOD, Map.of(), RawHttp2.frame(0x01, GET_DEVICE.length, GET_DEVICE));
                http2.post(METHOD, Map.of(), RawHttp2.frame(0, 100, GET_DEVICE));
                http2.post(METHOD, Map.of(), RawHttp2.frame(0x02, GET_DEVICE.length, GET_DEVICE));
            }
            List<String> lines = settledLines(gateway, format);

            assertNoStackTrace(lines, format);
            // grpc-java logs the garbage timeout twice (the handler's exception, then the stream error it becomes).
            assertThat(transportLines(lines, format)).as("four faults").isNotEmpty().hasSizeLessThanOrEqualTo(5);
        }
    }

    /**
     * A header name and a {@code grpc-timeout} value carrying a line break, a fake access line and
     * an ANSI escape: grpc-java's transport logs both as the client sent them, and the text log
     * must still hold each as one line with the characters escaped (log4j2.xml's %escaped).
     */
    @ParameterizedTest
    @ValueSource(strings = {"header name", "grpc-timeout"})
    void controlCharactersFromAClient_cannotForgeALine_orReachTheTerminal(String where, @TempDir Path dir) throws Exception {
        String forged = "2026-12-06T13:00:07.000Z [grpc-handler-7] INFO hubgate.access - 1b9d api-key:ci-bot "
                + "hubgate.v1.RegistryService/DeleteDevice OK 812us";
        String hostile = "X\r\n" + forged + "\n\u001b[31mred";
        Map<String, String> headers = where.equals("header name") ? Map.of(hostile, "1") : Map.of("grpc-timeout", "1" + hostile);
        try (ShutdownChildGateway gateway = start("text", dir)) {
            try (RawHttp2 http2 = new RawHttp2(gateway.port())) {
                http2.post(METHOD, headers, RawHttp2.frame(0, GET_DEVICE.length, GET_DEVICE));
            }
            List<String> lines = settledLines(gateway, "text");

            assertThat(lines).as("no line is the forged one").noneMatch(line -> line.startsWith(forged.substring(0, 30)));
            assertThat(String.join("\n", lines)).as("no raw ESC or CR").doesNotContain("\u001b", "\r");
            assertThat(transportLines(lines, "text")).as("the fault is logged").isNotEmpty();
            if (where.equals("header name")) { // grpc-java quotes the name; of a bad timeout it says only "bad timeout format"
                assertThat(transportLines(lines, "text")).as("the name, escaped on the fault's line")
                        .anySatisfy(line -> assertThat(line).contains("X\\r\\n" + forged + "\\n\\u001B[31mred"));
            }
        }
    }

    private static ShutdownChildGateway start(String format, Path dir) throws Exception {
        return ShutdownChildGateway.start(Map.of("HUBGATE_LOG_FORMAT", format, "HUBGATE_INSECURE_NO_AUTH", "true",
                "HUBGATE_SHUTDOWN_GRACE", "1s"), dir.resolve("gateway.log"), PATIENCE);
    }

    /** Stops the gateway (its last line is "hubgate stopped": everything before it has been written) and reads its output. */
    private static List<String> settledLines(ShutdownChildGateway gateway, String format) throws Exception {
        gateway.process().destroy();
        assertThat(gateway.process().waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        await().atMost(PATIENCE).until(() -> gateway.output().contains("hubgate stopped"));
        List<String> lines = Arrays.asList(gateway.output().split("\n"));
        System.out.println("gateway output (" + format + ", " + lines.size() + " lines):\n"
                + String.join("\n", lines.subList(0, Math.min(lines.size(), 40))));
        return lines;
    }

    private static void assertNoStackTrace(List<String> lines, String format) throws Exception {
        assertThat(lines).noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by:")
                || line.contains("\\tat ") || line.contains("\\n\\tat "));
        if (format.equals("json")) {
            for (String line : lines) {
                JsonNode parsed = JSON.readTree(line);
                assertThat(parsed.isObject()).as(line).isTrue();
            }
        }
    }

    /** The lines grpc-java's transport wrote (its loggers are under io.grpc). */
    private static List<String> transportLines(List<String> lines, String format) throws Exception {
        if (format.equals("text")) {
            return lines.stream().filter(line -> line.contains(" io.grpc.")).toList();
        }
        List<String> transport = new java.util.ArrayList<>();
        for (String line : lines) {
            if (JSON.readTree(line).path("logger").asText().startsWith("io.grpc.")) {
                transport.add(line);
            }
        }
        return transport;
    }
}
