package io.hubgate.readme;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A block fails on its first failing command and on a variable it never set, and sees only the environment it is given. */
class ShellBlockTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Map<String, String> MINIMAL = Map.of("PATH", "/usr/bin:/bin");

    @Test
    void theFirstFailingCommand_endsTheBlockWithItsStatus(@TempDir Path dir) throws Exception {
        ShellBlock.Result result = ShellBlock.run("failing", "echo before\nfalse\necho after\n", dir, MINIMAL, dir, PATIENCE);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("before").doesNotContain("after");
    }

    @Test
    void aFailureInsideAPipeOrACommandSubstitution_failsTheBlock(@TempDir Path dir) throws Exception {
        ShellBlock.Result result = ShellBlock.run("pipe", "X=$(false | cat)\necho after\n", dir, MINIMAL, dir, PATIENCE);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).doesNotContain("after");
    }

    @Test
    void aVariableThatOnlyAnotherBlockSets_failsTheBlock(@TempDir Path dir) throws Exception {
        ShellBlock.Result result = ShellBlock.run("unset", "echo \"token: $TOKEN\"\n", dir, MINIMAL, dir, PATIENCE);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("TOKEN");
    }

    @Test
    void onlyTheGivenEnvironment_reachesTheBlock_inTheGivenDirectory(@TempDir Path dir) throws Exception {
        ShellBlock.Result result = ShellBlock.run("env", "echo \"$GIVEN in $PWD\"\necho \"${HOME:-no home}\"\n", dir,
                Map.of("PATH", "/usr/bin:/bin", "GIVEN", "given"), dir, PATIENCE);

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.output()).isEqualTo("given in " + dir + "\nno home\n");
    }
}
