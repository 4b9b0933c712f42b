package io.hubgate.emulator.store;

import java.util.Locale;

/**
 * How a device or module authenticates to the hub: SAS keys, X.509 thumbprints, a CA, or none.
 * The emulator stores it and returns it; it does not run the device-side protocols.
 */
public record AuthenticationMechanism(Type type, SymmetricKeys symmetricKey, Thumbprints x509Thumbprint) {

    public enum Type {
        SAS("sas"), SELF_SIGNED("selfSigned"), CERTIFICATE_AUTHORITY("certificateAuthority"), NONE("none");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** Parses the wire name case-insensitively; null for an unknown name. */
        public static Type fromWire(String name) {
            if (name == null) {
                return null;
            }
            for (Type type : values()) {
                if (type.wireName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    return type;
                }
            }
            return null;
        }
    }

    /** Primary and secondary X.509 thumbprints (hex SHA-1 or SHA-256). */
    public record Thumbprints(String primaryThumbprint, String secondaryThumbprint) {
        public static final Thumbprints NONE = new Thumbprints(null, null);
    }

    public static AuthenticationMechanism generatedSas() {
        return new AuthenticationMechanism(Type.SAS, SymmetricKeys.generate(), Thumbprints.NONE);
    }
}
