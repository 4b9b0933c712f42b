package io.hubgate.server;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's package structure, read from its sources: which top-level package (a subpackage
 * such as {@code hub.rest} belongs to its parent) refers to which, by import or fully qualified
 * name. Guards what the layout promises a reader: the embedded emulator is known in one package
 * only, and the arrows between packages go one way.
 *
 * <p>Reads {@code src/main/java} of the module Maven runs the tests in; a text scan, not a
 * bytecode analysis, which is enough because nothing in the server refers to a class by reflection.
 */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/io/hubgate/server");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.hubgate\\.(server|emulator)((?:\\.[a-z][a-z0-9]*)*)\\.[A-Z*]");

    /** Package → the packages it refers to ("emulator" for any emulator package). */
    private static Map<String, Set<String>> references;

    @BeforeAll
    static void readSources() throws IOException {
        references = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(PackageDependenciesTest::read);
        }
        assertThat(references).as("the server's sources were found under " + SOURCES.toAbsolutePath())
                .containsKeys("(root)", "auth", "config", "embedded", "hub", "service");
    }

    private static void read(Path file) {
        String from = slice(SOURCES.relativize(file.getParent()).toString().replace('/', '.'));
        Set<String> to = references.computeIfAbsent(from, key -> new TreeSet<>());
        try {
            Matcher reference = REFERENCE.matcher(Files.readString(file));
            while (reference.find()) {
                String target = reference.group(1).equals("emulator") ? "emulator" : slice(reference.group(2));
                if (!target.equals(from)) {
                    to.add(target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The top-level server package of {@code subpackage} ("" or ".x.y" or "x.y"), "(root)" for the root. */
    private static String slice(String subpackage) {
        String trimmed = subpackage.startsWith(".") ? subpackage.substring(1) : subpackage;
        return trimmed.isEmpty() ? "(root)" : trimmed.split("\\.")[0];
    }

    @Test
    void onlyTheEmbeddedPackage_refersToTheEmulator() {
        List<String> knowingTheEmulator = references.entrySet().stream()
                .filter(entry -> entry.getValue().contains("emulator")).map(Map.Entry::getKey).toList();
        assertThat(knowingTheEmulator).containsExactly("embedded");
    }

    @Test
    void serverPackages_referToEachOtherWithoutACycle() {
        List<List<String>> cycles = new ArrayList<>();
        for (String start : references.keySet()) {
            findCycles(start, new ArrayList<>(List.of(start)), cycles);
        }
        assertThat(cycles).as("package graph: " + references).isEmpty();
    }

    private static void findCycles(String at, List<String> path, List<List<String>> cycles) {
        for (String next : references.getOrDefault(at, Set.of())) {
            if (next.equals(path.get(0))) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(next);
                cycles.add(cycle);
            } else if (!path.contains(next) && references.containsKey(next)) {
                path.add(next);
                findCycles(next, path, cycles);
                path.remove(path.size() - 1);
            }
        }
    }

    @Test
    void theRootPackage_isReferredToByNoOtherPackage() {
        assertThat(references.entrySet().stream().filter(entry -> entry.getValue().contains("(root)")).map(Map.Entry::getKey))
                .as("the root package wires the gateway; nothing below it may depend on it").isEmpty();
    }
}
