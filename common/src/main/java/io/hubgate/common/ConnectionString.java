package io.hubgate.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An IoT Hub service connection string, {@code HostName=…;SharedAccessKeyName=…;SharedAccessKey=…}:
 * the gateway reads one ({@code --hub-connection-string}), the emulator writes them (its banner,
 * its coordinates). Read as the SDKs read it: parts separated by {@code ;}, names in any case and
 * order, values trimmed, unknown parts ignored, a repeated part's last value kept. It checks no
 * value (a missing one is null): what a caller needs, it requires itself.
 *
 * <p>{@link #toString()} never shows the key; {@link #text()} is the connection string itself.
 *
 * @param hostName            {@code HostName}, e.g. {@code myhub.azure-devices.net}
 * @param sharedAccessKeyName {@code SharedAccessKeyName}, the shared access policy
 * @param sharedAccessKey     {@code SharedAccessKey}, the policy's key (base64)
 */
public record ConnectionString(String hostName, String sharedAccessKeyName, String sharedAccessKey) {

    /** Never throws; a part without {@code name=} is skipped. */
    public static ConnectionString parse(String text) {
        String host = null;
        String keyName = null;
        String key = null;
        for (String part : text.split(";")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String value = part.substring(eq + 1).trim();
            switch (part.substring(0, eq).trim().toLowerCase(Locale.ROOT)) {
                case "hostname" -> host = value;
                case "sharedaccesskeyname" -> keyName = value;
                case "sharedaccesskey" -> key = value;
                default -> { }
            }
        }
        return new ConnectionString(host, keyName, key);
    }

    /** Whether it names a host, a policy and a key: all a service SAS credential needs. */
    public boolean isComplete() {
        return missingParts().isEmpty();
    }

    /** The names of the parts it lacks (absent or empty), in the order a connection string lists them. */
    public List<String> missingParts() {
        List<String> missing = new ArrayList<>();
        if (hostName == null || hostName.isEmpty()) {
            missing.add("HostName");
        }
        if (sharedAccessKeyName == null || sharedAccessKeyName.isEmpty()) {
            missing.add("SharedAccessKeyName");
        }
        if (sharedAccessKey == null || sharedAccessKey.isEmpty()) {
            missing.add("SharedAccessKey");
        }
        return List.copyOf(missing);
    }

    /** The connection string, key included. */
    public String text() {
        return "HostName=" + hostName + ";SharedAccessKeyName=" + sharedAccessKeyName + ";SharedAccessKey=" + sharedAccessKey;
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "ConnectionString[HostName=" + hostName + ", SharedAccessKeyName=" + sharedAccessKeyName + "]";
    }
}
