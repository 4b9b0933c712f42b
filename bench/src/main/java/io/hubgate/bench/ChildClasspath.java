package io.hubgate.bench;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The class path a child gateway JVM runs with: the bench's own. The bench depends on
 * hubgate-server, so everything the gateway needs is already on it; no Maven call is needed.
 *
 * <p>Where it comes from: {@code java.class.path} when the bench runs as {@code java -cp …} (and
 * under Surefire, which sets it to the test class path); under {@code mvn exec:java}, where that
 * property holds only Maven's launcher, the URLs of the class loader that loaded the bench.
 */
final class ChildClasspath {

    private ChildClasspath() {
    }

    /** A class path on which every one of {@code needed} can be loaded. */
    static String containing(Class<?>... needed) {
        String property = System.getProperty("java.class.path", "");
        if (coversAll(entries(property), needed)) {
            return property;
        }
        Set<String> fromLoaders = new LinkedHashSet<>();
        for (ClassLoader loader = needed[0].getClassLoader(); loader != null; loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    fromLoaders.add(file(url));
                }
            }
        }
        if (coversAll(fromLoaders, needed)) {
            return String.join(File.pathSeparator, fromLoaders);
        }
        throw new IllegalStateException("cannot find a class path for a child gateway JVM: neither java.class.path nor "
                + "the bench's class loader holds " + List.of(needed) + "; run the bench with java -cp <bench class path>");
    }

    private static boolean coversAll(Set<String> entries, Class<?>... needed) {
        for (Class<?> type : needed) {
            String home = location(type);
            if (home == null || !entries.contains(home)) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> entries(String classPath) {
        Set<String> entries = new LinkedHashSet<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        return entries;
    }

    /** The jar or classes directory a class was loaded from, absolute, or null when unknown. */
    private static String location(Class<?> type) {
        var source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? null : file(source.getLocation());
    }

    private static String file(URL url) {
        try {
            return Path.of(url.toURI()).toAbsolutePath().normalize().toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return url.getPath();
        }
    }
}
