package io.hubgate.emulator.entra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.RSAKey;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.persist.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the local Entra generates and clients come to rely on: the issuer's signing keys, the
 * federated issuer's keys, the client secrets it makes up for applications given none, and the
 * managed-identity header. {@link #inMemory} makes them anew at every start; {@link #open} keeps
 * them in a file (the data directory's {@value #FILE_NAME}, readable by its owner only), so that a
 * token, a secret or an {@code IDENTITY_HEADER} handed out before a restart still works after it.
 *
 * <p>The file is rewritten whole, atomically, whenever something in it changes. It does not keep
 * secrets given in code or in a config file: those are the caller's. Thread-safe.
 */
public final class EntraKeyring {

    private static final Logger LOG = LoggerFactory.getLogger(EntraKeyring.class);
    /** The file's name in a data directory. */
    public static final String FILE_NAME = "entra.json";
    private static final int FORMAT_VERSION = 1;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Map<String, String> generatedSecrets = new LinkedHashMap<>();
    private final String identityHeader;
    private List<SigningKeys.KeptKey> keptIssuerKeys;
    private List<SigningKeys.KeptKey> keptFederatedKeys;
    private final SigningKeys issuerKeys;
    private final SigningKeys federatedKeys;

    private EntraKeyring(Path file, Clock clock, JsonNode saved) throws IOException {
        this.file = file;
        saved.path("generatedSecrets").fields().forEachRemaining(e -> generatedSecrets.put(e.getKey(), e.getValue().textValue()));
        this.identityHeader = saved.hasNonNull("identityHeader") ? saved.get("identityHeader").textValue() : newIdentityHeader();
        this.keptIssuerKeys = decode(saved.path("issuerKeys"));
        this.keptFederatedKeys = decode(saved.path("federatedIssuerKeys"));
        this.issuerKeys = new SigningKeys(clock, keptIssuerKeys, keys -> {
            synchronized (this) {
                keptIssuerKeys = keys;
                save();
            }
        });
        this.federatedKeys = new SigningKeys(clock, keptFederatedKeys, keys -> {
            synchronized (this) {
                keptFederatedKeys = keys;
                save();
            }
        });
        synchronized (this) {
            save();
        }
    }

    /** Everything new, kept in memory only. */
    public static EntraKeyring inMemory(Clock clock) {
        try {
            return new EntraKeyring(null, clock, Json.object());
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * Restores what the file holds and keeps every change there; a missing file is created.
     *
     * @throws IOException when the file cannot be read, written, or is not a keyring
     */
    public static EntraKeyring open(Path file, Clock clock) throws IOException {
        JsonNode saved = Files.exists(file) ? Json.parse(Files.readAllBytes(file)) : Json.object();
        if (!saved.isObject() || saved.path("formatVersion").asInt(FORMAT_VERSION) != FORMAT_VERSION) {
            throw new IOException(file + " is not a keyring this emulator reads (format version " + FORMAT_VERSION + ")");
        }
        return new EntraKeyring(file, clock, saved);
    }

    /**
     * The secret generated for an application that was given none: the same one for the same
     * client id as long as the keyring is kept.
     */
    public synchronized String generatedSecret(String clientId) {
        String secret = generatedSecrets.get(clientId);
        if (secret == null) {
            secret = DefaultDirectory.newSecret();
            generatedSecrets.put(clientId, secret);
            save();
        }
        return secret;
    }

    /** The value the managed-identity endpoint expects in {@code X-IDENTITY-HEADER}. */
    public String identityHeader() {
        return identityHeader;
    }

    /** The keys access tokens are signed with. */
    public SigningKeys issuerKeys() {
        return issuerKeys;
    }

    /** The keys of the federated issuer (workload-identity tokens). */
    public SigningKeys federatedKeys() {
        return federatedKeys;
    }

    /** Writes the whole keyring; a failure is logged (what is in memory keeps working until a restart). */
    private void save() {
        if (file == null || issuerKeys == null || federatedKeys == null) {
            return; // in memory, or still restoring: the constructor saves once at its end
        }
        ObjectNode root = Json.object();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("identityHeader", identityHeader);
        ObjectNode secrets = root.putObject("generatedSecrets");
        generatedSecrets.forEach(secrets::put);
        root.set("issuerKeys", encode(keptIssuerKeys));
        root.set("federatedIssuerKeys", encode(keptFederatedKeys));
        try {
            PrivateFiles.writeAtomically(file, Json.bytes(root));
        } catch (IOException e) {
            LOG.error("Could not keep the local Entra's keys and secrets in {}; they last until the emulator stops", file, e);
        }
    }

    private static ArrayNode encode(List<SigningKeys.KeptKey> keys) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (SigningKeys.KeptKey key : keys) {
            ObjectNode entry = array.addObject();
            entry.set("jwk", Json.MAPPER.valueToTree(key.key().toJSONObject()));
            entry.put("lastExpiry", key.lastExpiry() == null ? null : key.lastExpiry().toString());
        }
        return array;
    }

    private static List<SigningKeys.KeptKey> decode(JsonNode array) throws IOException {
        List<SigningKeys.KeptKey> keys = new ArrayList<>();
        for (JsonNode entry : array) {
            try {
                RSAKey key = RSAKey.parse(Json.text(entry.get("jwk")));
                if (!key.isPrivate()) {
                    throw new IOException("a kept signing key has no private part");
                }
                JsonNode lastExpiry = entry.get("lastExpiry");
                keys.add(new SigningKeys.KeptKey(key,
                        lastExpiry == null || lastExpiry.isNull() ? null : Instant.parse(lastExpiry.textValue())));
            } catch (ParseException | RuntimeException e) {
                throw new IOException("a kept signing key is unreadable: " + e.getMessage(), e);
            }
        }
        return keys;
    }

    private static String newIdentityHeader() {
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    @Override
    public String toString() {
        return "EntraKeyring[" + (file == null ? "in memory" : file) + "]";
    }
}
