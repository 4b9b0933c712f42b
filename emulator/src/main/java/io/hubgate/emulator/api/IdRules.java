package io.hubgate.emulator.api;

import io.hubgate.emulator.http.HubException;

/**
 * IoT Hub's rules for device and module ids: 1 to 128 characters, 7-bit alphanumerics and
 * {@code - : . + % _ # * ? ! ( ) , = @ ; $ '}, the set the service's REST API reference gives
 * for both (newer prose pages leave out {@code +}, {@code #} and {@code ;}; the API reference is
 * what clients are built against, so the emulator accepts what it lists).
 */
public final class IdRules {

    public static final int MAX_ID_LENGTH = 128;
    public static final int MAX_STATUS_REASON_LENGTH = 128;
    private static final String ALLOWED_PUNCTUATION = "-:.+%_#*?!(),=@;$'";

    private IdRules() {
    }

    public static void validateDeviceId(String deviceId) {
        validate("device id", deviceId);
    }

    public static void validateModuleId(String moduleId) {
        validate("module id", moduleId);
    }

    private static void validate(String what, String id) {
        if (id == null || id.isEmpty()) {
            throw HubException.argumentInvalid("The " + what + " is empty");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw HubException.argumentInvalid("The " + what + " is " + id.length() + " characters long; at most "
                    + MAX_ID_LENGTH + " are allowed");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alphanumeric && ALLOWED_PUNCTUATION.indexOf(c) < 0) {
                throw HubException.argumentInvalid("The " + what + " '" + printable(id) + "' contains "
                        + describe(c) + " at position " + i + "; ids may contain only ASCII letters, digits and "
                        + ALLOWED_PUNCTUATION);
            }
        }
    }

    private static String describe(char c) {
        return c < 0x20 || c > 0x7E ? String.format("the character U+%04X", (int) c) : "'" + c + "'";
    }

    private static String printable(String id) {
        StringBuilder out = new StringBuilder();
        id.chars().limit(MAX_ID_LENGTH).forEach(c -> out.append(c < 0x20 || c > 0x7E ? '?' : (char) c));
        return out.toString();
    }
}
