package io.hubgate.readme;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How marked blocks are found, and that a README that loses one fails loudly instead of testing less. */
class ReadmeBlocksTest {

    private static final String README = """
            # Title

            <!-- readme-test: first -->
            ```sh
            echo one
            ```

            Some text, and an unmarked block:

            ```sh
            echo not tested
            ```

            <!-- readme-test: second -->

            ```bash
            echo two \\
              continued
            ```
            """;

    @Test
    void markedBlocks_areFoundInOrder_withTheirTextAndTheLineOfTheirMark() {
        List<ReadmeBlocks.Block> blocks = ReadmeBlocks.parse(README).requireInOrder(List.of("first", "second")).all();

        assertThat(blocks).extracting(ReadmeBlocks.Block::name).containsExactly("first", "second");
        assertThat(blocks.get(0).script()).isEqualTo("echo one\n");
        assertThat(blocks.get(0).line()).isEqualTo(3);
        assertThat(blocks.get(1).script()).isEqualTo("echo two \\\n  continued\n");
    }

    @Test
    void aRequiredBlockThatIsNotMarked_failsNamingIt() {
        assertThatThrownBy(() -> ReadmeBlocks.parse(README).requireInOrder(List.of("first", "gateway", "second")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("<!-- readme-test: gateway -->");
    }

    @Test
    void requiredBlocksOutOfOrder_fail() {
        assertThatThrownBy(() -> ReadmeBlocks.parse(README).requireInOrder(List.of("second", "first")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("order");
    }

    @Test
    void aMarkThatIsNotFollowedByAShellBlock_failsNamingItsLine() {
        String broken = "text\n<!-- readme-test: lost -->\nThe block moved away.\n\n```sh\necho x\n```\n";
        assertThatThrownBy(() -> ReadmeBlocks.parse(broken))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("line 2").hasMessageContaining("lost");
    }

    @Test
    void theSameMarkTwice_fails() {
        String twice = "<!-- readme-test: a -->\n```sh\necho 1\n```\n<!-- readme-test: a -->\n```sh\necho 2\n```\n";
        assertThatThrownBy(() -> ReadmeBlocks.parse(twice))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("second block named 'readme-test: a'");
    }

    @Test
    void theGatewayCommand_isTakenApartAsBashAndMavenWouldReadIt() throws Exception {
        Path root = Path.of(System.getProperty("hubgate.repository.root", "..")).toAbsolutePath().normalize();
        GatewayCommand command = GatewayCommand.parse("""
                # a comment
                mvn -q -pl server -am package -DskipTests exec:java@gateway -Dexec.args="--dev-env-file /tmp/x.env \\
                  --port 1"
                """, root);

        assertThat(command.modules()).containsExactly("server");
        assertThat(command.mainClass()).isEqualTo("io.hubgate.server.Main");
        assertThat(command.programArguments()).containsExactly("--dev-env-file", "/tmp/x.env", "--port", "1");
        assertThat(command.argument("--dev-env-file")).isEqualTo("/tmp/x.env");
    }

    @Test
    void aGatewayCommandThatDoesNotBuildWhatItRuns_orRunsMoreThanMaven_isRefused() {
        Path root = Path.of(System.getProperty("hubgate.repository.root", "..")).toAbsolutePath().normalize();
        assertThatThrownBy(() -> GatewayCommand.parse("mvn -q -pl server exec:java@gateway -Dexec.args=\"\"", root))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("-am");
        assertThatThrownBy(() -> GatewayCommand.parse(
                "mvn -q -pl server -am package exec:java@nothing -Dexec.args=\"--help\"", root))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'nothing'");
        assertThatThrownBy(() -> GatewayCommand.parse(
                "mvn -q -pl server -am package exec:java@gateway -Dexec.args=\"\"\nmvn -v", root))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly once");
    }
}
