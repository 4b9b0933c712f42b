package io.hubgate.bench;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The harness at toy size: every row printed, no call failed. Timings are printed, never asserted. */
class GatewayBenchmarkTest {

    @Test
    void smoke_printsEveryWorkloadConcurrencyAndMode_withoutErrors() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int exit = new CommandLine(new GatewayBenchmark(new PrintStream(buffer, true, StandardCharsets.UTF_8)))
                .execute("--smoke");
        String printed = buffer.toString(StandardCharsets.UTF_8);

        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("start to SERVING:", "seeded 200 twins", "memory after warm-up", "VmRSS");
        for (Workload workload : Workload.values()) {
            assertThat(printed).contains("== " + workload.title + " ==");
        }
        for (int level : new int[] {1, 4}) {
            for (String mode : new String[] {"gateway", "direct"}) {
                Pattern row = Pattern.compile("(?m)^" + level + " +" + mode + " +\\d+ .* 0$");
                assertThat(row.matcher(printed).results().count()).as(level + " " + mode + " rows\n" + printed)
                        .isEqualTo(Workload.values().length);
            }
            Pattern ratio = Pattern.compile("(?m)^" + level + " +g/d ");
            assertThat(ratio.matcher(printed).results().count()).isEqualTo(Workload.values().length);
        }
        assertThat(printed).doesNotContain("first error");
    }
}
