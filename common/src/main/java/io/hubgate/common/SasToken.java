package io.hubgate.common;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A service SAS token: {@code SharedAccessSignature sr=…&sig=…&se=…&skn=…}. Parses what clients
 * send (fields in any order: the emulator checks them) and makes tokens the way the SDKs do (the
 * one SAS signer: the gateway's {@code sas} credential, the emulator's banner and tests).
 *
 * @param encodedResource the {@code sr} value exactly as sent: the signature covers this spelling
 * @param resource        {@code sr} decoded and lower-cased
 * @param signature       {@code sig} decoded (base64 text)
 * @param expiry          {@code se}
 * @param keyName         {@code skn}, null for a device-scoped token
 */
public record SasToken(String encodedResource, String resource, String signature, Instant expiry, String keyName) {

    public static final String SCHEME = "SharedAccessSignature";

    /** Parses the Authorization value; throws {@link IllegalArgumentException} with a reason that has no secret in it. */
    public static SasToken parse(String authorization) {
        if (authorization == null || !authorization.startsWith(SCHEME + " ")) {
            throw new IllegalArgumentException("the token does not start with '" + SCHEME + " '");
        }
        Map<String, String> fields = new HashMap<>();
        for (String pair : authorization.substring(SCHEME.length() + 1).trim().split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("the token has a malformed field");
            }
            String name = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (fields.putIfAbsent(name, pair.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException("the token repeats the field '" + name + "'");
            }
        }
        String sr = require(fields, "sr");
        String sig = require(fields, "sig");
        String se = require(fields, "se");
        long expirySeconds;
        try {
            expirySeconds = Long.parseLong(se);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the token's expiry 'se' is not a number of seconds");
        }
        // A long that no Instant can hold would otherwise escape as a DateTimeException (a 500).
        if (expirySeconds < Instant.MIN.getEpochSecond() || expirySeconds > Instant.MAX.getEpochSecond()) {
            throw new IllegalArgumentException("the token's expiry 'se' is out of range");
        }
        try {
            return new SasToken(sr, URLDecoder.decode(sr, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT),
                    // A '+' in sig is base64, not a form-encoded space: some clients leave it unescaped.
                    URLDecoder.decode(sig.replace("+", "%2B"), StandardCharsets.UTF_8), Instant.ofEpochSecond(expirySeconds),
                    fields.containsKey("skn") ? URLDecoder.decode(fields.get("skn"), StandardCharsets.UTF_8) : null);
        } catch (IllegalArgumentException malformed) {
            throw new IllegalArgumentException("the token has a malformed percent escape");
        }
    }

    /** Makes a token for {@code resource} (e.g. the hub host name) signed with a base64 key. */
    public static String create(String resource, String keyName, String base64Key, Instant expiry) {
        String encodedResource = URLEncoder.encode(resource.toLowerCase(Locale.ROOT), StandardCharsets.UTF_8);
        long se = expiry.getEpochSecond();
        String signature = sign(encodedResource, se, base64Key);
        StringBuilder token = new StringBuilder(SCHEME)
                .append(" sr=").append(encodedResource)
                .append("&sig=").append(URLEncoder.encode(signature, StandardCharsets.UTF_8))
                .append("&se=").append(se);
        if (keyName != null) {
            token.append("&skn=").append(URLEncoder.encode(keyName, StandardCharsets.UTF_8));
        }
        return token.toString();
    }

    /** base64(HMAC-SHA256(base64decode(key), encodedResource + "\n" + expiry)). */
    public static String sign(String encodedResource, long expirySeconds, String base64Key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
            byte[] digest = mac.doFinal((encodedResource + "\n" + expirySeconds).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String require(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("the token has no '" + name + "' field");
        }
        return value;
    }

    /** Never prints the signature. */
    @Override
    public String toString() {
        return "SasToken[sr=" + resource + ", se=" + expiry + ", skn=" + keyName + "]";
    }
}
