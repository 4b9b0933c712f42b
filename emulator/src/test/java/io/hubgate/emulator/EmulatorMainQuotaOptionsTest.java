package io.hubgate.emulator;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's quota options: bad values stop the emulator before it starts, with a message saying why. */
class EmulatorMainQuotaOptionsTest {

    private static String refusal(String... args) {
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new EmulatorMain()).setErr(new PrintWriter(err));
        assertThat(command.execute(args)).isNotZero();
        return err.toString();
    }

    @Test
    void unknownTier_isRefused() {
        assertThat(refusal("--port", "0", "--tier", "S9")).contains("--tier is S1, S2 or S3, not S9");
    }

    @Test
    void unitsBeyondTheTier_areRefused() {
        assertThat(refusal("--port", "0", "--tier", "S3", "--units", "11")).contains("--units of tier S3 is 1 to 10, not 11");
    }

    @Test
    void tierAndUnits_parse() {
        EmulatorMain main = new EmulatorMain();
        new CommandLine(main).parseArgs("--tier", "s2", "--units", "4");

        assertThat(main.tier).isEqualTo("s2");
        assertThat(main.units).isEqualTo(4);
    }
}
