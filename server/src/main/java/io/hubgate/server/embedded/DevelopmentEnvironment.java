package io.hubgate.server.embedded;

import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.server.config.GatewayConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a client in another process needs to call a gateway that runs on its embedded emulator:
 * the target, and client credentials of the emulator's {@value DefaultDirectory#SERVICE} at the
 * emulator's token endpoint. The embedded emulator's secrets exist only in memory and the gateway
 * never logs them, so {@code --dev-env-file} hands them over in a file only its owner can read.
 * The variables are the ones every sample client reads (client-sample/README.md); {@link
 * EmbeddedHub#developmentEnvironment} gives them.
 */
public final class DevelopmentEnvironment {

    private static final FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private DevelopmentEnvironment() {
    }

    /** The variables, in the order they are written, for the gateway on {@code port} of {@code config}. */
    static Map<String, String> of(EmulatorCoordinates emulator, GatewayConfig config, int port) {
        EntraCoordinates entra = emulator.entra();
        EntraCoordinates.ClientCredentials service = entra.application(DefaultDirectory.SERVICE);
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("HUBGATE_TARGET", hostForClients(config.bindAddress()) + ":" + port);
        variables.put("HUBGATE_PLAINTEXT", Boolean.toString(config.plaintext()));
        if (!config.plaintext()) {
            // Right for a self-signed certificate; a CA-issued one is trusted through the system's roots anyway.
            variables.put("HUBGATE_CA_CERT", config.tlsCertificate().toAbsolutePath().toString());
        }
        variables.put("HUBGATE_TOKEN_URL", entra.tokenEndpoint());
        variables.put("HUBGATE_TOKEN_SCOPE", DefaultDirectory.API_URI + "/.default");
        variables.put("HUBGATE_TOKEN_CA_CERT", emulator.certificatePath().toAbsolutePath().toString());
        variables.put("HUBGATE_CLIENT_ID", service.clientId());
        variables.put("HUBGATE_CLIENT_SECRET", service.secret());
        return variables;
    }

    /**
     * Writes {@code KEY='value'} lines, which {@code set -a; . FILE} reads, to a file only its owner
     * may read: created with those permissions beside the target and then moved over it, so the
     * secret is never readable by others, not even for a moment.
     */
    public static void write(Path file, Map<String, String> variables) throws IOException {
        StringBuilder text = new StringBuilder("# hubgate on its embedded emulator: local development secrets, "
                + "valid while this gateway runs. Use: set -a; . ").append(shellQuoted(file.toAbsolutePath().toString())).append("; set +a\n");
        variables.forEach((name, value) -> text.append(name).append('=').append(shellQuoted(value)).append('\n'));
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = posix()
                ? Files.createTempFile(directory, ".hubgate-env", ".tmp", OWNER_ONLY)
                : Files.createTempFile(directory, ".hubgate-env", ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Reads a file written by {@link #write}: the inverse of its quoting, for tests and tools. */
    public static Map<String, String> read(Path file) throws IOException {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int equals = line.indexOf('=');
            if (line.startsWith("#") || equals < 1) {
                continue;
            }
            String quoted = line.substring(equals + 1);
            variables.put(line.substring(0, equals), quoted.substring(1, quoted.length() - 1).replace("'\\''", "'"));
        }
        return variables;
    }

    /** A wildcard bind address is not one a client can dial; loopback reaches it. */
    private static String hostForClients(String bindAddress) {
        return switch (bindAddress) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> bindAddress.contains(":") && !bindAddress.startsWith("[") ? "[" + bindAddress + "]" : bindAddress;
        };
    }

    private static String shellQuoted(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
