package io.hubgate.emulator.store;

import java.security.SecureRandom;
import java.util.Base64;

/** A pair of base64 symmetric keys, as devices, modules and shared access policies carry them. */
public record SymmetricKeys(String primaryKey, String secondaryKey) {

    /** IoT Hub generates 32-byte keys; the SDKs generate 16-byte ones. Both are valid. */
    public static final int GENERATED_KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    public static SymmetricKeys generate() {
        return new SymmetricKeys(randomKey(), randomKey());
    }

    public static String randomKey() {
        byte[] key = new byte[GENERATED_KEY_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Never prints the keys: records otherwise leak them into logs. */
    @Override
    public String toString() {
        return "SymmetricKeys[redacted]";
    }
}
