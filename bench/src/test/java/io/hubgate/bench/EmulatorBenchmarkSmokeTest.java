package io.hubgate.bench;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the benchmark at toy size to prove the harness works; it asserts what was measured, never how fast. */
class EmulatorBenchmarkSmokeTest {

    @Test
    void tinyRun_reportsEveryMeasurement() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit = new CommandLine(new EmulatorBenchmark(new PrintStream(captured, true, StandardCharsets.UTF_8)))
                .execute("--devices", "120", "--operations", "60", "--concurrency", "2", "--query-samples", "2");

        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).isZero();
        assertThat(output).contains("create device", "patch twin (tags)", "get twin", "patch twin (desired)", "heap after load");
        assertThat(output).containsPattern("query first page of 100, SELECT \\*\\s+p50 .* \\(100 items\\)");
        assertThat(output).containsPattern("query page of 100, WHERE tags.bucket = 42\\s+p50 .* \\(1 items\\)");
        assertThat(output).containsPattern("COUNT\\(\\) GROUP BY tags.site\\s+p50 .* \\(7 items\\)");
    }
}
