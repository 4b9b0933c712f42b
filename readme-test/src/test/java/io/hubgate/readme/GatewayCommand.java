package io.hubgate.readme;

import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The quick start's gateway command, {@code mvn … exec:java@ID -Dexec.args="…"}, taken apart:
 * which class Maven would run and with which arguments. The words are split by bash itself (the
 * block runs with {@code mvn} defined as a function that prints its arguments), so quoting and
 * line continuations mean what they mean to a user's shell.
 *
 * <p>It checks what can be checked without running Maven inside the build: the command builds
 * the modules it needs ({@code -am} and {@code package}), and one of the modules it names
 * ({@code -pl}) declares the execution {@code ID} with a {@code mainClass}. It does not prove that
 * Maven's exec plugin starts that class (the plugin's own business), nor anything about the
 * gateway: that is for the test that runs {@link #mainClass()} with {@link #programArguments()}.
 */
record GatewayCommand(List<String> modules, String executionId, String mainClass, List<String> programArguments) {

    private static final String EXEC_GOAL = "exec:java@";
    private static final String EXEC_ARGS = "-Dexec.args=";

    /** Takes the block apart; anything that is not one such command is an {@link IllegalStateException}. */
    static GatewayCommand parse(String block, Path repositoryRoot) throws Exception {
        List<String> command = mavenArguments(block);
        int pl = command.indexOf("-pl");
        String goal = command.stream().filter(word -> word.startsWith(EXEC_GOAL)).findFirst().orElse(null);
        String execArgs = command.stream().filter(word -> word.startsWith(EXEC_ARGS)).findFirst().orElse(null);
        if (pl < 0 || pl + 1 >= command.size() || goal == null || execArgs == null) {
            throw new IllegalStateException("the gateway block must be one 'mvn -pl <modules> … exec:java@<id> -Dexec.args=\"…\"' "
                    + "command; its words are " + command);
        }
        if (!command.contains("-am") || !command.contains("package") || command.indexOf("package") > command.indexOf(goal)) {
            throw new IllegalStateException("the gateway command must build what it runs (-am … package before " + goal
                    + "), or a fresh clone cannot run it: " + command);
        }
        List<String> modules = Arrays.asList(command.get(pl + 1).split(","));
        String executionId = goal.substring(EXEC_GOAL.length());
        String mainClass = null;
        for (String module : modules) {
            String declared = mainClassOf(repositoryRoot.resolve(module).resolve("pom.xml"), executionId);
            if (declared != null) {
                mainClass = declared;
            }
        }
        if (mainClass == null) {
            throw new IllegalStateException("none of the modules " + modules + " declares an exec-maven-plugin execution '"
                    + executionId + "' with a mainClass");
        }
        String arguments = execArgs.substring(EXEC_ARGS.length()).strip();
        if (arguments.contains("\"") || arguments.contains("'")) {
            // exec-maven-plugin has its own quoting rules; this test splits on spaces only.
            throw new IllegalStateException("quotes inside -Dexec.args are not supported by this test: " + arguments);
        }
        return new GatewayCommand(modules, executionId, mainClass,
                arguments.isEmpty() ? List.of() : List.of(arguments.split("\\s+")));
    }

    /** The value that follows {@code option} in the program arguments, or null. */
    String argument(String option) {
        int at = programArguments.indexOf(option);
        return at < 0 || at + 1 >= programArguments.size() ? null : programArguments.get(at + 1);
    }

    /** The words of the block's one {@code mvn} command, as bash splits them. */
    private static List<String> mavenArguments(String block) throws Exception {
        String code = block.lines().filter(line -> !line.strip().startsWith("#")).reduce("", (a, b) -> a + b + "\n").strip();
        if (!code.startsWith("mvn ")) {
            throw new IllegalStateException("the gateway block must be a single mvn command, not:\n" + block);
        }
        // Each call prints its words NUL-separated and ends with \1, so a second command shows.
        Process bash = new ProcessBuilder("bash", "--noprofile", "--norc", "-c",
                "set -eu; mvn() { printf '%s\\0' \"$@\"; printf '\\1'; }\n" + code).redirectErrorStream(false).start();
        bash.getOutputStream().close();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(bash.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!bash.waitFor(30, TimeUnit.SECONDS) || bash.exitValue() != 0) {
            throw new IllegalStateException("bash could not read the gateway block: " + errors);
        }
        String[] calls = output.split("\1", -1);
        if (calls.length != 2 || !calls[1].isEmpty()) {
            throw new IllegalStateException("the gateway block must run mvn exactly once:\n" + block);
        }
        List<String> words = new ArrayList<>(Arrays.asList(calls[0].split("\0", -1)));
        words.remove(words.size() - 1); // after the last NUL
        return words;
    }

    private static String mainClassOf(Path pom, String executionId) throws Exception {
        if (!Files.isRegularFile(pom)) {
            return null;
        }
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        String mainClass = (String) XPathFactory.newInstance().newXPath().evaluate(
                "/*[local-name()='project']/*[local-name()='build']/*[local-name()='plugins']/*[local-name()='plugin']"
                        + "[*[local-name()='artifactId']='exec-maven-plugin']/*[local-name()='executions']"
                        + "/*[local-name()='execution'][*[local-name()='id']='" + executionId + "']"
                        + "/*[local-name()='configuration']/*[local-name()='mainClass']",
                document, XPathConstants.STRING);
        return mainClass == null || mainClass.isBlank() ? null : mainClass.strip();
    }
}
