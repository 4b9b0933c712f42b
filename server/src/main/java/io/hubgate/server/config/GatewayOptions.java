package io.hubgate.server.config;

import io.hubgate.common.ConnectionString;
import io.hubgate.common.Durations;
import io.hubgate.server.auth.AccessPolicy;
import io.hubgate.server.auth.AuthSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's command line: every flag has an environment variable (flags win), and both
 * resolve into one {@link GatewayConfig} in {@link #toConfig()}, validated there with messages
 * that name the flag. Azure's own variables (AZURE_CLIENT_ID …) are not flags: azure-identity
 * reads them with their standard meaning.
 */
@Command(name = "hubgate", mixinStandardHelpOptions = true, version = "hubgate 0.1.0", sortOptions = false,
        description = "gRPC gateway to Azure IoT Hub. With no --hub-host it runs on an embedded IoT Hub emulator.")
public final class GatewayOptions {

    @Option(names = "--bind", defaultValue = "${env:HUBGATE_BIND:-" + GatewayConfig.DEFAULT_BIND_ADDRESS + "}",
            description = "Address gRPC listens on (env HUBGATE_BIND; default ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(names = "--port", defaultValue = "${env:HUBGATE_PORT:-" + GatewayConfig.DEFAULT_PORT + "}",
            description = "gRPC port, 0 for any free one (env HUBGATE_PORT; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--tls-cert", defaultValue = "${env:HUBGATE_TLS_CERT}",
            description = "PEM certificate chain for callers' TLS (env HUBGATE_TLS_CERT). Without it the gateway serves plaintext, on loopback only.")
    Path tlsCertificate;

    @Option(names = "--tls-key", defaultValue = "${env:HUBGATE_TLS_KEY}",
            description = "PEM private key of --tls-cert (env HUBGATE_TLS_KEY).")
    Path tlsPrivateKey;

    @Option(names = "--hub-host", defaultValue = "${env:HUBGATE_HUB_HOST}",
            description = "IoT Hub host name, e.g. myhub.azure-devices.net (env HUBGATE_HUB_HOST). Unset: embedded emulator.")
    String hubHost;

    @Option(names = "--hub-ca-cert", defaultValue = "${env:HUBGATE_HUB_CA_CERT}",
            description = "Extra PEM certificate to trust for the hub and its token issuer, e.g. a standalone emulator's (env HUBGATE_HUB_CA_CERT).")
    Path hubCaCertificate;

    @Option(names = "--credential", defaultValue = "${env:HUBGATE_CREDENTIAL:-default}",
            description = "default | managed-identity | client-secret | client-certificate | workload-identity | sas (env HUBGATE_CREDENTIAL; default ${DEFAULT-VALUE}).")
    String credential;

    @Option(names = "--managed-identity-client-id", defaultValue = "${env:HUBGATE_MANAGED_IDENTITY_CLIENT_ID}",
            description = "Client id of a user-assigned managed identity (env HUBGATE_MANAGED_IDENTITY_CLIENT_ID).")
    String managedIdentityClientId;

    @Option(names = "--hub-connection-string", defaultValue = "${env:HUBGATE_HUB_CONNECTION_STRING}",
            description = "sas: a service connection string; prefer the environment variable HUBGATE_HUB_CONNECTION_STRING (flags are visible to other users).")
    String connectionString;

    @Option(names = "--sas-key-name", defaultValue = "${env:HUBGATE_SAS_KEY_NAME}",
            description = "sas with a host that has a port: the shared access policy (env HUBGATE_SAS_KEY_NAME).")
    String sasKeyName;

    @Option(names = "--sas-key", defaultValue = "${env:HUBGATE_SAS_KEY}",
            description = "sas with a host that has a port: the policy key; prefer the environment variable HUBGATE_SAS_KEY.")
    String sasKey;

    @Option(names = "--max-concurrent-calls", defaultValue = "${env:HUBGATE_MAX_CONCURRENT_CALLS:-" + GatewayConfig.DEFAULT_MAX_CONCURRENT_CALLS + "}",
            description = "IoT Hub calls in flight at once (env HUBGATE_MAX_CONCURRENT_CALLS; default ${DEFAULT-VALUE}).")
    int maxConcurrentCalls;

    @Option(names = "--max-queued-calls", defaultValue = "${env:HUBGATE_MAX_QUEUED_CALLS:-" + GatewayConfig.DEFAULT_MAX_QUEUED_CALLS + "}",
            description = "Calls waiting for a slot before new ones get RESOURCE_EXHAUSTED (env HUBGATE_MAX_QUEUED_CALLS; default ${DEFAULT-VALUE}).")
    int maxQueuedCalls;

    @Option(names = "--upstream-timeout", defaultValue = "${env:HUBGATE_UPSTREAM_TIMEOUT:-24s}",
            description = "Time budget of a call without a deadline (env HUBGATE_UPSTREAM_TIMEOUT; default ${DEFAULT-VALUE}).")
    String upstreamTimeout;

    @Option(names = "--shutdown-grace", defaultValue = "${env:HUBGATE_SHUTDOWN_GRACE:-20s}",
            description = "How long in-flight calls may finish after SIGTERM (env HUBGATE_SHUTDOWN_GRACE; default ${DEFAULT-VALUE}).")
    String shutdownGrace;

    @Option(names = "--insecure-no-auth", defaultValue = "${env:HUBGATE_INSECURE_NO_AUTH:-false}",
            description = "Serve callers without authentication: plaintext loopback only, for local experiments (env HUBGATE_INSECURE_NO_AUTH).")
    boolean insecureNoAuth;

    @Option(names = "--jwt-issuer", split = ",", defaultValue = "${env:HUBGATE_JWT_ISSUERS}",
            description = "Accepted token issuer (iss), repeatable, e.g. https://login.microsoftonline.com/<tenant>/v2.0 and https://sts.windows.net/<tenant>/ (env HUBGATE_JWT_ISSUERS, comma-separated). On the embedded hub, unset means the emulator's issuer.")
    List<String> jwtIssuers;

    @Option(names = "--jwt-audience", split = ",", defaultValue = "${env:HUBGATE_JWT_AUDIENCES}",
            description = "Accepted token audience (aud), repeatable, e.g. api://hubgate and the app's client id (env HUBGATE_JWT_AUDIENCES).")
    List<String> jwtAudiences;

    @Option(names = "--jwks-url", defaultValue = "${env:HUBGATE_JWKS_URL}",
            description = "The issuer's signing keys (env HUBGATE_JWKS_URL). Unset: read from the OpenID metadata.")
    String jwksUrl;

    @Option(names = "--openid-config-url", defaultValue = "${env:HUBGATE_OPENID_CONFIG_URL}",
            description = "The issuer's OpenID metadata (env HUBGATE_OPENID_CONFIG_URL). Unset: <first issuer>/.well-known/openid-configuration.")
    String openIdConfigUrl;

    @Option(names = "--jwt-tenant", split = ",", defaultValue = "${env:HUBGATE_JWT_TENANTS}",
            description = "Allowed tenant (tid), repeatable (env HUBGATE_JWT_TENANTS). Unset: any tenant the issuers admit.")
    List<String> jwtTenants;

    @Option(names = "--jwt-clock-skew", defaultValue = "${env:HUBGATE_JWT_CLOCK_SKEW:-60s}",
            description = "Tolerance for exp and nbf (env HUBGATE_JWT_CLOCK_SKEW; default ${DEFAULT-VALUE}).")
    String jwtClockSkew;

    @Option(names = "--jwt-max-lifetime", defaultValue = "${env:HUBGATE_JWT_MAX_LIFETIME:-24h}",
            description = "Longest caller-token lifetime accepted: exp at most this long after iat (or after now without iat) "
                    + "(env HUBGATE_JWT_MAX_LIFETIME; default ${DEFAULT-VALUE}).")
    String jwtMaxLifetime;

    @Option(names = "--client-ca", defaultValue = "${env:HUBGATE_CLIENT_CA}",
            description = "PEM bundle of CAs for callers' client certificates (mTLS; needs --tls-cert) (env HUBGATE_CLIENT_CA).")
    Path clientCa;

    @Option(names = "--require-client-cert", defaultValue = "${env:HUBGATE_REQUIRE_CLIENT_CERT:-false}",
            description = "Refuse TLS connections without a client certificate; otherwise one is optional (env HUBGATE_REQUIRE_CLIENT_CERT).")
    boolean requireClientCert;

    @Option(names = "--mtls-roles", split = ";", defaultValue = "${env:HUBGATE_MTLS_ROLES}",
            description = "Roles of a certificate identity, repeatable: <uri:…|dns:…|cn:…>=Role,Role (env HUBGATE_MTLS_ROLES, ';'-separated).")
    List<String> mtlsRoles;

    @Option(names = "--api-keys-file", defaultValue = "${env:HUBGATE_API_KEYS_FILE}",
            description = "JSON file of hashed API keys (env HUBGATE_API_KEYS_FILE).")
    Path apiKeysFile;

    @Option(names = "--protect-health", defaultValue = "${env:HUBGATE_PROTECT_HEALTH:-false}",
            description = "Health checks and server reflection need an authenticated caller too (env HUBGATE_PROTECT_HEALTH; default: they need none).")
    boolean protectHealth;

    @Option(names = "--access-policy", defaultValue = "${env:HUBGATE_ACCESS_POLICY}",
            description = "JSON file mapping every gRPC method to the roles that may call it (env HUBGATE_ACCESS_POLICY). "
                    + "Unset: the built-in least-privilege policy.")
    Path accessPolicy;

    @Option(names = "--page-token-key", defaultValue = "${env:HUBGATE_PAGE_TOKEN_KEY}", paramLabel = "SECRET",
            description = "Secret (at least 32 bytes) that signs page tokens; give replicas behind one load balancer the "
                    + "same one. Prefer the environment variable HUBGATE_PAGE_TOKEN_KEY. Unset: a random key per process.")
    String pageTokenKey;

    @Option(names = "--dev-env-file", defaultValue = "${env:HUBGATE_DEV_ENV_FILE}", paramLabel = "FILE",
            description = "Embedded emulator only: write the variables a local client needs (target, token endpoint, "
                    + "service-app's client id and secret) to FILE, readable by its owner only, for the sample clients "
                    + "(env HUBGATE_DEV_ENV_FILE).")
    Path developmentEnvFile;

    @Option(names = "--log-format", defaultValue = "${env:HUBGATE_LOG_FORMAT:-text}", paramLabel = "text|json",
            description = "text: lines for people, on stderr; json: one JSON object per line (time, level, logger, message, "
                    + "and the access log's requestId, traceId, caller, method, status, durationMs), on stdout "
                    + "(env HUBGATE_LOG_FORMAT; default ${DEFAULT-VALUE}).")
    String logFormat;

    @Option(names = "--health-port", defaultValue = "${env:HUBGATE_HEALTH_PORT}", paramLabel = "PORT",
            description = "Also serve gRPC health, and only that, in plaintext on this port of --bind, for probes that "
                    + "cannot speak TLS such as the kubelet's (env HUBGATE_HEALTH_PORT; default: off).")
    Integer healthPort;

    @Option(names = "--metrics-port", defaultValue = "${env:HUBGATE_METRICS_PORT}", paramLabel = "PORT",
            description = "Serve Prometheus text metrics over HTTP on this port of --bind, path /metrics (env HUBGATE_METRICS_PORT; "
                    + "default: off).")
    Integer metricsPort;

    @Option(names = "--otlp-endpoint", defaultValue = "${env:HUBGATE_OTLP_ENDPOINT}", paramLabel = "URL",
            description = "Export traces with OTLP over HTTP to this collector, e.g. http://otel-collector:4318 (spans go to "
                    + "<URL>/v1/traces) (env HUBGATE_OTLP_ENDPOINT; default: no tracing).")
    String otlpEndpoint;

    /** The operator's endpoints beside the API (not part of {@link GatewayConfig}: they do not change how calls are served). */
    public OperationsSettings operations() {
        java.net.URI endpoint = null;
        if (otlpEndpoint != null && !otlpEndpoint.isBlank()) {
            try {
                endpoint = new java.net.URI(otlpEndpoint.trim());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("--otlp-endpoint must be a URL such as http://otel-collector:4318, not '"
                        + otlpEndpoint + "'");
            }
        }
        return new OperationsSettings(healthPort, metricsPort, endpoint);
    }

    /** The log format: not part of {@link GatewayConfig}, because it is applied to the JVM before the gateway starts. */
    public LogFormat logFormat() {
        return LogFormat.parse(logFormat);
    }

    /** Where to write the development environment, or null; only for a gateway on the embedded emulator. */
    public Path developmentEnvFile(GatewayConfig resolved) {
        if (developmentEnvFile != null && !resolved.embeddedHub()) {
            String hubFlag = blankToNull(connectionString) != null ? "--hub-connection-string" : "--hub-host";
            throw new IllegalArgumentException("--dev-env-file is for the embedded emulator only: with " + hubFlag
                    + ", callers use their own Entra applications");
        }
        return developmentEnvFile;
    }

    /** Resolves and validates; {@link IllegalArgumentException} messages name the flag at fault. */
    public GatewayConfig toConfig() {
        CredentialMode mode = CredentialMode.parse(credential);
        if (mode == null) {
            throw new IllegalArgumentException("--credential must be one of default, managed-identity, client-secret, "
                    + "client-certificate, workload-identity, sas; not '" + credential + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0 to 65535, not " + port);
        }
        if (maxConcurrentCalls < 1 || maxQueuedCalls < 1) {
            throw new IllegalArgumentException("--max-concurrent-calls and --max-queued-calls must be at least 1");
        }
        if ((tlsCertificate == null) != (tlsPrivateKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        requireReadable("--tls-cert", tlsCertificate);
        requireReadable("--tls-key", tlsPrivateKey);
        requireReadable("--hub-ca-cert", hubCaCertificate);
        boolean plaintext = tlsCertificate == null;
        if (plaintext && !isLoopback(bindAddress)) {
            throw new IllegalArgumentException("--bind " + bindAddress + " is not a loopback address: give --tls-cert and "
                    + "--tls-key (plaintext is for local development only)");
        }
        String host = blankToNull(hubHost);
        if (connectionString != null && !connectionString.isBlank()) {
            mode = CredentialMode.SAS;
            String connectionHost = hostOf(connectionString);
            if (host == null) {
                host = connectionHost;
            }
        }
        if (mode == CredentialMode.SAS && blankToNull(connectionString) == null
                && (blankToNull(sasKeyName) == null || blankToNull(sasKey) == null)) {
            throw new IllegalArgumentException("--credential sas needs --hub-connection-string, or --sas-key-name and --sas-key");
        }
        HubTarget hub = host == null ? null : new HubTarget(host, hubCaCertificate);
        CredentialSettings settings = new CredentialSettings(mode, blankToNull(managedIdentityClientId),
                blankToNull(connectionString), blankToNull(sasKeyName), blankToNull(sasKey));
        Duration upstream = duration("--upstream-timeout", upstreamTimeout);
        if (upstream.isNegative() || upstream.isZero()) {
            throw new IllegalArgumentException("--upstream-timeout must be positive, not " + upstreamTimeout);
        }
        Duration grace = duration("--shutdown-grace", shutdownGrace);
        if (grace.isNegative()) {
            throw new IllegalArgumentException("--shutdown-grace must not be negative, not " + shutdownGrace);
        }
        return new GatewayConfig(bindAddress, port, plaintext, tlsCertificate, tlsPrivateKey, hub, settings,
                maxConcurrentCalls, maxQueuedCalls, upstream, grace, auth(), accessPolicy(),
                pageTokenKey == null || pageTokenKey.isEmpty() ? null : PageTokenKey.of(pageTokenKey));
    }

    private AuthSettings auth() {
        requireReadable("--client-ca", clientCa);
        requireReadable("--api-keys-file", apiKeysFile);
        Duration skew = duration("--jwt-clock-skew", jwtClockSkew);
        Duration maxLifetime = duration("--jwt-max-lifetime", jwtMaxLifetime);
        Map<String, Set<String>> roles = new LinkedHashMap<>();
        for (String mapping : nonBlank(mtlsRoles)) {
            int split = mapping.lastIndexOf('=');
            if (split <= 0 || !mapping.trim().matches("(uri|dns|cn):.*")) {
                throw new IllegalArgumentException("--mtls-roles must look like cn:billing=Registry.Read,Twin.Read "
                        + "(identity uri:…, dns:… or cn:…), not '" + mapping + "'");
            }
            roles.put(mapping.substring(0, split).trim(), new LinkedHashSet<>(nonBlank(List.of(mapping.substring(split + 1).split(",")))));
        }
        return new AuthSettings(insecureNoAuth, nonBlank(jwtIssuers), nonBlank(jwtAudiences), blankToNull(jwksUrl),
                blankToNull(openIdConfigUrl), Set.copyOf(nonBlank(jwtTenants)), skew, maxLifetime, AuthSettings.JwksTiming.DEFAULT,
                clientCa, requireClientCert, roles, apiKeysFile, protectHealth);
    }

    private static List<String> nonBlank(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::trim).filter(v -> !v.isEmpty()).toList();

    }

    private AccessPolicy accessPolicy() {
        if (accessPolicy == null) {
            return AccessPolicy.defaults();
        }
        try {
            return AccessPolicy.load(accessPolicy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--access-policy: " + e.getMessage(), e);
        }
    }

    /** Parses "90s", "2m", "1h", "500ms" or ISO-8601 "PT20S" ({@link Durations}). */
    static Duration duration(String flag, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + " must be a duration such as 20s, 2m or PT20S, not '" + text + "'");
        }
    }

    /** The host of a connection string that has every part; one that lacks a part is refused, naming it (never the key). */
    private static String hostOf(String connectionString) {
        ConnectionString parsed = ConnectionString.parse(connectionString);
        if (!parsed.isComplete()) {
            throw new IllegalArgumentException("--hub-connection-string has no " + String.join(" and no ", parsed.missingParts()));
        }
        return parsed.hostName();
    }

    private static void requireReadable(String flag, Path path) {
        if (path != null && !Files.isReadable(path)) {
            throw new IllegalArgumentException(flag + " " + path + " cannot be read");
        }
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    /** Parses the command line into a configuration (for tests and Main). */
    public static GatewayConfig parse(String... args) {
        GatewayOptions options = new GatewayOptions();
        new CommandLine(options).parseArgs(args);
        return options.toConfig();
    }
}
