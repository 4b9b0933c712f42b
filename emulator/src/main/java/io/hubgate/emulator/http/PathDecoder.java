package io.hubgate.emulator.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a raw request path into percent-decoded segments. Node's SDK encodes ids with
 * encodeURIComponent while Java's sends them raw, so both spellings must reach the same device.
 * Unlike form decoding, '+' stays a plus sign.
 */
final class PathDecoder {

    private PathDecoder() {
    }

    /** "/devices/a%2Fb/" → ["devices", "a/b"]: one leading and one trailing slash are ignored. */
    static List<String> segments(String rawPath) {
        String path = rawPath == null ? "" : rawPath;
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        List<String> segments = new ArrayList<>();
        if (path.isEmpty()) {
            return segments;
        }
        for (String raw : path.split("/", -1)) {
            segments.add(decode(raw));
        }
        return segments;
    }

    static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw badEscape(raw);
                }
                int high = hexValue(raw.charAt(i + 1));
                int low = hexValue(raw.charAt(i + 2));
                if (high < 0 || low < 0) {
                    throw badEscape(raw);
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new HubException(HubErrorCode.ARGUMENT_INVALID, "The path segment '" + raw + "' is not valid UTF-8");
        }
    }

    /** ASCII hex only: Character.digit would also accept other scripts' digits. */
    static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static HubException badEscape(String raw) {
        return new HubException(HubErrorCode.ARGUMENT_INVALID, "The path segment '" + raw + "' has a malformed percent escape");
    }
}
