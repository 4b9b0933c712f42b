package io.hubgate.emulator.entra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.hubgate.emulator.auth.BuiltInRole;
import io.hubgate.emulator.json.Json;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads an {@link EntraDirectory} from a JSON file ({@code --entra-config}). Every field but a
 * display name is optional; ids default to the same stable values as {@link DefaultDirectory}'s,
 * and an application without {@code secrets} gets one generated secret ({@code "secrets": []}
 * gives it none). Unknown fields are errors, so a typo is not silently ignored.
 *
 * <pre>{@code
 * {
 *   "tenantId": "<guid>",                       default: DefaultDirectory.TENANT_ID
 *   "includeDefaults": false,                   true: start from the default set and add to it
 *   "applications": [{
 *     "displayName": "my-app", "clientId": "<guid>", "objectId": "<guid>",
 *     "secrets": ["…"],
 *     "certificates": [{"pem": "-----BEGIN CERTIFICATE-----…"} | {"file": "cert.pem"}
 *                      | {"thumbprint": "<sha-1 hex>", "publicKeyPem": "-----BEGIN PUBLIC KEY-----…"}],
 *     "federatedCredentials": [{"issuer": "…", "subject": "…", "audience": "api://AzureADTokenExchange"}],
 *     "identifierUris": ["api://my-api"], "appRoles": ["Things.Read"]
 *   }],
 *   "managedIdentities": [{"displayName": "…", "type": "SystemAssigned" | "UserAssigned", "clientId": "<guid>", "objectId": "<guid>"}],
 *   "roleAssignments": [{"principal": "<name, client id or object id>", "role": "IoT Hub Data Reader" | "<role id>"}],
 *   "appRoleAssignments": [{"principal": "…", "resource": "api://my-api", "roles": ["Things.Read"]}]
 * }
 * }</pre>
 *
 * A certificate {@code file} is resolved against the config file's directory. Errors name the
 * file and the JSON path of the offending value.
 */
public final class EntraConfigFile {

    private final Path file;
    private final Function<String, String> secretFor;

    private EntraConfigFile(Path file, Function<String, String> secretFor) {
        this.file = file;
        this.secretFor = secretFor;
    }

    /** @throws EntraConfigException if the file cannot be read or does not describe a consistent directory */
    public static EntraDirectory load(Path file) {
        return load(file, clientId -> DefaultDirectory.newSecret());
    }

    /**
     * As {@link #load(Path)}, with the secret of an application given none (and of the defaults)
     * from {@code secretFor}, by client id: the emulator's {@link EntraKeyring#generatedSecret}.
     */
    public static EntraDirectory load(Path file, Function<String, String> secretFor) {
        return new EntraConfigFile(file, secretFor).read();
    }

    private EntraDirectory read() {
        JsonNode root;
        try {
            root = Json.parse(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new EntraConfigException(file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new EntraConfigException(file + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new EntraConfigException(file + ": cannot be read: " + e.getMessage());
        }
        object(root, "$", Set.of("tenantId", "includeDefaults", "applications", "managedIdentities", "roleAssignments",
                "appRoleAssignments"));
        boolean includeDefaults = root.path("includeDefaults").asBoolean(false);
        String tenantId = text(root, "$", "tenantId", DefaultDirectory.TENANT_ID);
        EntraDirectory.Builder builder;
        try {
            builder = includeDefaults ? DefaultDirectory.builder(secretFor) : EntraDirectory.builder(tenantId);
            if (includeDefaults && root.has("tenantId")) {
                throw new EntraConfigException(file + ": $.tenantId cannot be combined with includeDefaults");
            }
        } catch (IllegalArgumentException e) {
            throw new EntraConfigException(file + ": $.tenantId: " + e.getMessage());
        }
        int i = 0;
        for (JsonNode node : array(root, "applications")) {
            builder.application(application(node, "$.applications[" + i++ + "]"));
        }
        i = 0;
        for (JsonNode node : array(root, "managedIdentities")) {
            builder.managedIdentity(managedIdentity(node, "$.managedIdentities[" + i++ + "]"));
        }
        i = 0;
        for (JsonNode node : array(root, "roleAssignments")) {
            String at = "$.roleAssignments[" + i++ + "]";
            object(node, at, Set.of("principal", "role"));
            try {
                builder.assignHubRole(required(node, at, "principal"), BuiltInRole.fromNameOrId(required(node, at, "role")));
            } catch (IllegalArgumentException e) {
                throw new EntraConfigException(file + ": " + at + ".role: " + e.getMessage());
            }
        }
        i = 0;
        for (JsonNode node : array(root, "appRoleAssignments")) {
            String at = "$.appRoleAssignments[" + i++ + "]";
            object(node, at, Set.of("principal", "resource", "roles"));
            builder.assignAppRoles(required(node, at, "principal"), required(node, at, "resource"), texts(node, at, "roles"));
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new EntraConfigException(file + ": " + e.getMessage());
        }
    }

    private EntraApplication application(JsonNode node, String at) {
        object(node, at, Set.of("displayName", "clientId", "objectId", "secrets", "certificates", "federatedCredentials",
                "identifierUris", "appRoles"));
        String name = required(node, at, "displayName");
        String clientId = text(node, at, "clientId", DefaultDirectory.clientIdOf(name));
        List<String> secrets = node.has("secrets") ? texts(node, at, "secrets") : List.of(secretFor.apply(clientId));
        List<ClientCertificate> certificates = new ArrayList<>();
        int i = 0;
        for (JsonNode certificate : array(node, "certificates")) {
            certificates.add(certificate(certificate, at + ".certificates[" + i++ + "]"));
        }
        List<FederatedCredential> federated = new ArrayList<>();
        i = 0;
        for (JsonNode credential : array(node, "federatedCredentials")) {
            String where = at + ".federatedCredentials[" + i++ + "]";
            object(credential, where, Set.of("issuer", "subject", "audience"));
            federated.add(new FederatedCredential(required(credential, where, "issuer"), required(credential, where, "subject"),
                    text(credential, where, "audience", FederatedCredential.DEFAULT_AUDIENCE)));
        }
        return new EntraApplication(name, clientId,
                text(node, at, "objectId", DefaultDirectory.objectIdOf(name)), secrets, certificates, federated,
                texts(node, at, "identifierUris"), texts(node, at, "appRoles"));
    }

    private ManagedIdentity managedIdentity(JsonNode node, String at) {
        object(node, at, Set.of("displayName", "type", "clientId", "objectId"));
        String name = required(node, at, "displayName");
        String type = text(node, at, "type", "UserAssigned");
        if (!type.equals("SystemAssigned") && !type.equals("UserAssigned")) {
            throw new EntraConfigException(file + ": " + at + ".type: 'SystemAssigned' or 'UserAssigned', not '" + type + "'");
        }
        return new ManagedIdentity(name, text(node, at, "clientId", DefaultDirectory.clientIdOf(name)),
                text(node, at, "objectId", DefaultDirectory.objectIdOf(name)), type.equals("SystemAssigned"));
    }

    private ClientCertificate certificate(JsonNode node, String at) {
        object(node, at, Set.of("pem", "file", "thumbprint", "publicKeyPem"));
        try {
            if (node.has("pem")) {
                return ClientCertificate.of(x509(required(node, at, "pem").getBytes(StandardCharsets.US_ASCII)));
            }
            if (node.has("file")) {
                Path path = file.toAbsolutePath().getParent().resolve(required(node, at, "file"));
                return ClientCertificate.of(x509(Files.readAllBytes(path)));
            }
            if (node.has("thumbprint") && node.has("publicKeyPem")) {
                String thumbprint = required(node, at, "thumbprint");
                if (!thumbprint.replace(":", "").matches("[0-9a-fA-F]{40}")) {
                    throw new EntraConfigException(file + ": " + at + ".thumbprint: a SHA-1 thumbprint is 40 hex digits");
                }
                return new ClientCertificate(thumbprint, publicKey(required(node, at, "publicKeyPem")));
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            if (e instanceof EntraConfigException config) {
                throw config;
            }
            throw new EntraConfigException(file + ": " + at + ": not a readable certificate: " + e.getMessage());
        }
        throw new EntraConfigException(file + ": " + at + ": give 'pem', 'file', or 'thumbprint' with 'publicKeyPem'");
    }

    private static X509Certificate x509(byte[] pem) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
    }

    private static PublicKey publicKey(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object parsed = parser.readObject();
            if (!(parsed instanceof SubjectPublicKeyInfo info)) {
                throw new IOException("expected a PEM PUBLIC KEY");
            }
            return new JcaPEMKeyConverter().getPublicKey(info);
        }
    }

    private void object(JsonNode node, String at, Set<String> fields) {
        if (node == null || !node.isObject()) {
            throw new EntraConfigException(file + ": " + at + " must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new EntraConfigException(file + ": " + at + "." + name + " is not a known field; known: "
                        + new java.util.TreeSet<>(fields));
            }
        }
    }

    private Iterable<JsonNode> array(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new EntraConfigException(file + ": " + field + " must be an array");
        }
        return value;
    }

    private String required(JsonNode node, String at, String field) {
        String value = text(node, at, field, null);
        if (value == null || value.isBlank()) {
            throw new EntraConfigException(file + ": " + at + "." + field + " is required");
        }
        return value;
    }

    private String text(JsonNode node, String at, String field, String fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw new EntraConfigException(file + ": " + at + "." + field + " must be a string");
        }
        return value.textValue();
    }

    private List<String> texts(JsonNode node, String at, String field) {
        List<String> values = new ArrayList<>();
        int i = 0;
        for (JsonNode value : array(node, field)) {
            if (!value.isTextual()) {
                throw new EntraConfigException(file + ": " + at + "." + field + "[" + i + "] must be a string");
            }
            values.add(value.textValue());
            i++;
        }
        return values;
    }

    /** A config file that cannot be used, with the file, the JSON path and the reason. */
    public static final class EntraConfigException extends RuntimeException {
        public EntraConfigException(String message) {
            super(message);
        }
    }
}
