package io.hubgate.server.auth;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.grpc.Metadata;

import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Authenticates {@code x-api-key: <key>} (or {@code authorization: ApiKey <key>}) against a JSON
 * file of hashed keys, for environments without Entra:
 *
 * <pre>
 * {"keys": [{"name": "ci-bot", "sha256": "&lt;hex of SHA-256 of the key&gt;", "roles": ["Registry.Read"]},
 *           {"name": "old-bot", "sha256": "…", "roles": [], "revoked": true}]}
 * </pre>
 *
 * Make a key and its hash with {@code key=$(openssl rand -base64 32); printf %s "$key" | sha256sum}.
 *
 * <p>Only hashes are stored. Plain SHA-256 (not a slow password hash) is enough because keys are
 * 256-bit random values: nobody can search that space from a hash, and a fast hash keeps each
 * call cheap. The presented key's hash is compared with every stored hash by
 * {@link MessageDigest#isEqual}, so timing tells nothing about how close a guess was. Immutable
 * and thread-safe; the file is read once at start.
 */
final class ApiKeyAuthenticator implements CallerAuthenticator {

    public static final Metadata.Key<String> HEADER = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);

    /** One configured key: its name becomes the principal's subject. */
    record StoredKey(String name, byte[] sha256, Set<String> roles, boolean revoked) {
    }

    private final List<StoredKey> keys;

    ApiKeyAuthenticator(List<StoredKey> keys) {
        this.keys = List.copyOf(keys);
    }

    /** Reads the key file; messages name the file and the entry, never a hash. */
    public static ApiKeyAuthenticator fromFile(Path file) throws IOException {
        try {
            Map<String, Object> json = JSONObjectUtils.parse(Files.readString(file));
            List<StoredKey> keys = new ArrayList<>();
            // Two entries of one key would leave one of them without effect (a revocation listed
            // after a live copy, say): refused. Names may repeat (a caller's old and new key).
            Map<String, Integer> entryOfHash = new java.util.HashMap<>();
            int index = 0;
            for (Map<String, Object> entry : JSONObjectUtils.getJSONObjectArray(json, "keys")) {
                String name = JSONObjectUtils.getString(entry, "name");
                String hash = JSONObjectUtils.getString(entry, "sha256");
                if (name == null || name.isBlank() || hash == null || !hash.matches("[0-9a-fA-F]{64}")) {
                    throw new IOException(file + ": keys[" + index + "] needs a name and a 64-hex-digit sha256");
                }
                Integer earlier = entryOfHash.putIfAbsent(hash.toLowerCase(java.util.Locale.ROOT), index);
                if (earlier != null) {
                    throw new IOException(file + ": keys[" + index + "] (" + name + ") is the same key as keys[" + earlier
                            + "]; list each key once (with \"revoked\": true to revoke it)");
                }
                String[] roles = JSONObjectUtils.getStringArray(entry, "roles");
                Boolean revoked = (Boolean) entry.get("revoked");
                keys.add(new StoredKey(name, HexFormat.of().parseHex(hash),
                        roles == null ? Set.of() : new LinkedHashSet<>(List.of(roles)), Boolean.TRUE.equals(revoked)));
                index++;
            }
            return new ApiKeyAuthenticator(keys);
        } catch (ParseException | ClassCastException | NullPointerException e) {
            throw new IOException(file + " is not an API key file ({\"keys\":[{\"name\",\"sha256\",\"roles\",\"revoked\"}]})", e);
        }
    }

    @Override
    public Set<String> perCallKinds() {
        return Set.of(PerCallCredential.X_API_KEY, PerCallCredential.AUTHORIZATION + "apikey");
    }

    @Override
    public Principal authenticate(Metadata headers, SSLSession tls) throws AuthenticationFailure {
        String key = AuthorizationHeader.single(headers, HEADER);
        if (key == null) {
            key = AuthorizationHeader.credential(headers, "ApiKey");
        }
        if (key == null) {
            return null;
        }
        if (key.isBlank()) {
            throw new AuthenticationFailure(AuthenticationFailure.Reason.API_KEY_INVALID, "the API key is empty");
        }
        if (!isVisibleAscii(key)) {
            // Trimming would give one key many spellings; keys are made of visible ASCII only.
            throw new AuthenticationFailure(AuthenticationFailure.Reason.API_KEY_INVALID,
                    "the API key contains whitespace or a character outside visible ASCII; send it exactly as issued");
        }
        byte[] presented = sha256(key);
        StoredKey match = null;
        for (StoredKey stored : keys) {
            if (MessageDigest.isEqual(presented, stored.sha256()) && match == null) {
                match = stored;
            }
        }
        if (match == null) {
            throw new AuthenticationFailure(AuthenticationFailure.Reason.API_KEY_INVALID, "the API key is not valid");
        }
        if (match.revoked()) {
            throw new AuthenticationFailure(AuthenticationFailure.Reason.API_KEY_REVOKED, "the API key has been revoked");
        }
        return new Principal(match.name(), null, null, match.roles(), "api-key");
    }

    private static boolean isVisibleAscii(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String challenge() {
        return "ApiKey realm=\"hubgate\" (x-api-key)";
    }
}
