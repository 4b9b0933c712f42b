package io.hubgate.emulator;

import io.hubgate.common.Durations;
import io.hubgate.emulator.auth.BearerAuthenticator;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.emulator.faults.HubTier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The standalone emulator: {@code hubgate-emulator [options]}, runs until interrupted. */
@Command(name = "hubgate-emulator", mixinStandardHelpOptions = true, version = "hubgate-emulator 0.1.0",
        description = "Runs a local Azure IoT Hub (service REST API over HTTPS) for development and tests.",
        sortOptions = false)
public final class EmulatorMain implements Callable<Integer> {

    @Option(names = "--hub-name", defaultValue = "${env:HUBGATE_EMULATOR_HUB_NAME:-" + IotHubEmulator.DEFAULT_HUB_NAME + "}",
            description = "Hub name; the host name is <name>.azure-devices.net (env HUBGATE_EMULATOR_HUB_NAME; default ${DEFAULT-VALUE}).")
    String hubName;

    @Option(names = "--bind", defaultValue = "${env:HUBGATE_EMULATOR_BIND:-" + IotHubEmulator.DEFAULT_BIND_ADDRESS + "}",
            description = "Address to listen on (env HUBGATE_EMULATOR_BIND; default ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(names = "--port", defaultValue = "${env:HUBGATE_EMULATOR_PORT:-8443}",
            description = "HTTPS port, 0 for any free port (env HUBGATE_EMULATOR_PORT; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "${env:HUBGATE_EMULATOR_DATA_DIR}",
            description = "Keep devices, twins, keys and the certificate here across restarts (env HUBGATE_EMULATOR_DATA_DIR; default: in memory).")
    Path dataDirectory;

    @Option(names = "--cert-out", defaultValue = "${env:HUBGATE_EMULATOR_CERT_OUT}",
            description = "Write the server certificate (PEM) here (env HUBGATE_EMULATOR_CERT_OUT; default: the data directory or a temporary one).")
    Path certificateOutput;

    @Option(names = "--cert", description = "Serve this PEM certificate instead of a generated one (needs --key).")
    Path certificate;

    @Option(names = "--key", description = "The PEM private key of --cert.")
    Path key;

    @Option(names = "--entra-config", defaultValue = "${env:HUBGATE_EMULATOR_ENTRA_CONFIG}",
            description = "JSON file with the local Entra tenant, identities and role assignments (env HUBGATE_EMULATOR_ENTRA_CONFIG; default: the built-in set).")
    Path entraConfig;

    @Option(names = "--token-lifetime", defaultValue = "${env:HUBGATE_EMULATOR_TOKEN_LIFETIME:-75m}",
            converter = DurationConverter.class,
            description = "Lifetime of issued access tokens, e.g. 75m, 90s, 2h or PT1H (env HUBGATE_EMULATOR_TOKEN_LIFETIME; default ${DEFAULT-VALUE}).")
    Duration tokenLifetime;

    @Option(names = "--workers", defaultValue = "" + IotHubEmulator.DEFAULT_WORKER_THREADS,
            description = "Requests served at once (default ${DEFAULT-VALUE}).")
    int workers;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--tier", defaultValue = "${env:HUBGATE_EMULATOR_TIER}",
            description = "Throttle like a hub of this tier: S1, S2 or S3 (env HUBGATE_EMULATOR_TIER; default: no quota).")
    String tier;

    @Option(names = "--units", defaultValue = "${env:HUBGATE_EMULATOR_UNITS:-1}",
            description = "Units of --tier (env HUBGATE_EMULATOR_UNITS; default ${DEFAULT-VALUE}).")
    int units;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Exit code when the emulator could not start (a port or data directory in use, an unreadable state file). */
    static final int EXIT_COULD_NOT_START = 1;

    /** The command as {@link #main} runs it: a start failure the user can fix is one line, not a stack trace. */
    static CommandLine commandLine() {
        CommandLine command = new CommandLine(new EmulatorMain());
        command.setExecutionExceptionHandler((failure, cmd, parsed) -> {
            if (failure instanceof EmulatorStartException cannotStart) {
                cmd.getErr().println("hubgate-emulator: " + cannotStart.getMessage() + advice(cannotStart.setting()));
                cmd.getErr().flush();
                return EXIT_COULD_NOT_START;
            }
            throw failure;
        });
        return command;
    }

    private static String advice(EmulatorStartException.Setting setting) {
        return switch (setting) {
            case PORT -> " (another emulator still running?); stop that process, or choose another port with --port or "
                    + "HUBGATE_EMULATOR_PORT (0 picks a free one)";
            case DATA_DIRECTORY -> "; stop that emulator, or give another --data-dir";
            case STATE_FILE -> "; repair or remove it, or give another --data-dir";
        };
    }

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 0 to 65535, not " + port);
        }
        if ((certificate == null) != (key == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cert and --key go together");
        }
        IotHubEmulator.Builder builder = IotHubEmulator.builder()
                .hubName(hubName).bindAddress(bindAddress).port(port).workerThreads(workers)
                .dataDirectory(dataDirectory).certificateOutput(certificateOutput)
                .entraConfig(entraConfig).tokenLifetime(tokenLifetime);
        if (tier != null && !tier.isBlank()) {
            HubTier hubTier = HubTier.parse(tier);
            if (hubTier == null || units < 1 || units > hubTier.maxUnits()) {
                throw new CommandLine.ParameterException(spec.commandLine(), hubTier == null
                        ? "--tier is S1, S2 or S3, not " + tier
                        : "--units of tier " + hubTier + " is 1 to " + hubTier.maxUnits() + ", not " + units);
            }
            builder.quota(hubTier, units);
        }
        if (certificate != null) {
            builder.certificate(io.hubgate.emulator.tls.EmulatorCertificate.fromPem(certificate, key));
        }
        IotHubEmulator emulator = builder.build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "emulator-shutdown"));
        printBanner(emulator.coordinates(), System.out);
        emulator.faults().quota().ifPresent(quota ->
                System.out.println("Quota: throttling as tier " + quota.tier() + " with " + quota.units() + " unit(s)"));
        stopped.await();
        return 0;
    }

    static void printBanner(EmulatorCoordinates at, PrintStream out) {
        Path trustStore = at.certificatePath().resolveSibling(IotHubEmulator.TRUST_STORE_FILE);
        out.println("hubgate IoT Hub emulator is running. Press Ctrl+C to stop.");
        out.println();
        out.println("  Hub host name      " + at.hubHostName());
        out.println("  Endpoint           " + at.baseUrl());
        out.println("  Certificate (PEM)  " + at.certificatePath());
        out.println("  Trust store (JVM)  " + trustStore + "  (password " + IotHubEmulator.TRUST_STORE_PASSWORD + ")");
        out.println("  Connection string  " + at.connectionString("iothubowner"));
        out.println("  SAS token (1 h)    " + at.sasToken("iothubowner", Duration.ofHours(1)));
        out.println();
        out.println("  Java SDK:   new RegistryClient(\"" + at.hostWithPort() + "\", new AzureSasCredential(\"<SAS token>\"))");
        out.println("              with -Djavax.net.ssl.trustStore=" + trustStore
                + " -Djavax.net.ssl.trustStorePassword=" + IotHubEmulator.TRUST_STORE_PASSWORD);
        printPythonAndNode(at, out);
        out.println("  curl:       curl --cacert " + at.certificatePath() + " -H \"Authorization: <SAS token>\" "
                + at.baseUrl() + "/statistics/devices?api-version=2021-04-12");
        out.println();
        out.println("Policies: " + String.join(", ", at.policies().stream().map(p -> p.keyName()).toList()));
        printEntra(at, trustStore, out);
        out.flush();
    }

    /**
     * The set-up lines that work with the official Python and Node SDKs (what emulator/sdks runs):
     * the CA bundle, the host without a scheme, a custom authority without instance discovery, and
     * for Node, which cannot address a port, port 443 or an agent.
     */
    private static void printPythonAndNode(EmulatorCoordinates at, PrintStream out) {
        EntraCoordinates entra = at.entra();
        EntraCoordinates.ClientCredentials app = bannerApplication(entra);
        String tenant = entra.tenantId();
        String clientId = app == null ? "<client id>" : app.clientId();
        String authority = entra.authorityHost();
        out.println("  Python SDK: export REQUESTS_CA_BUNDLE=" + at.certificatePath());
        out.println("              IoTHubRegistryManager.from_connection_string(\"<Connection string>\")");
        out.println("              IoTHubRegistryManager.from_token_credential(\"" + at.hostWithPort() + "\", ClientSecretCredential(\""
                + tenant + "\", \"" + clientId + "\",");
        out.println("                  os.environ[\"AZURE_CLIENT_SECRET\"], authority=\"" + authority
                + "\", disable_instance_discovery=True))");
        out.println("  Node SDK:   export NODE_EXTRA_CA_CERTS=" + at.certificatePath());
        if (at.port() == EmulatorCoordinates.DEFAULT_HTTPS_PORT) {
            out.println("              Registry.fromConnectionString(\"" + at.connectionString(IotHubEmulator.OWNER_POLICY) + "\")");
        } else {
            out.println("              it connects to port 443 only (its HostName cannot carry a port): start the emulator");
            out.println("              with --port 443, or give it an agent for port " + at.port()
                    + " as emulator/sdks/node/sdk_walkthrough.js does (reachEmulator)");
        }
        out.println("              Registry.fromTokenCredential(\"" + at.host() + "\", new ClientSecretCredential(\"" + tenant + "\", \""
                + clientId + "\",");
        out.println("                  process.env.AZURE_CLIENT_SECRET, { authorityHost: \"" + authority
                + "\", disableInstanceDiscovery: true }))");
        out.println("              every operation and credential of both SDKs, checked: emulator/sdks/python, emulator/sdks/node");
    }

    /** The application whose secret the banner's variables carry: the gateway's, else the first. */
    private static EntraCoordinates.ClientCredentials bannerApplication(EntraCoordinates entra) {
        return entra.applications().stream()
                .filter(a -> a.displayName().equals(DefaultDirectory.GATEWAY)).findFirst()
                .orElse(entra.applications().isEmpty() ? null : entra.applications().get(0));
    }

    private static void printEntra(EmulatorCoordinates at, Path trustStore, PrintStream out) {
        EntraCoordinates entra = at.entra();
        EntraCoordinates.ClientCredentials gateway = bannerApplication(entra);
        out.println();
        out.println("Local Entra ID (bearer tokens for the IoT Hub API; audience " + BearerAuthenticator.IOT_HUB_AUDIENCE + ")");
        out.println("  Authority host     " + entra.authorityHost());
        out.println("  Tenant id          " + entra.tenantId());
        out.println("  Issuer             " + entra.issuer());
        out.println("  OpenID metadata    " + entra.openIdConfigurationUrl());
        out.println();
        if (gateway != null && gateway.secret() != null) {
            out.println("  DefaultAzureCredential / EnvironmentCredential with a client secret (" + gateway.displayName() + "):");
            out.println("    export AZURE_AUTHORITY_HOST=" + entra.authorityHost());
            out.println("    export AZURE_TENANT_ID=" + entra.tenantId());
            out.println("    export AZURE_CLIENT_ID=" + gateway.clientId());
            out.println("    export AZURE_CLIENT_SECRET=" + gateway.secret());
        }
        out.println("  ManagedIdentityCredential (App Service form; no client id: the system-assigned identity):");
        out.println("    export IDENTITY_ENDPOINT=" + entra.managedIdentityEndpoint());
        out.println("    export IDENTITY_HEADER=" + entra.identityHeader());
        out.println("  Client-secret credentials need disableInstanceDiscovery() on their builder; every credential needs");
        out.println("    the JVM to trust " + trustStore + " (azure-identity's Netty client reads -Djavax.net.ssl.trustStore).");
        out.println();
        out.println("  Applications (client id, secret):");
        for (EntraCoordinates.ClientCredentials application : entra.applications()) {
            out.println("    " + String.format("%-16s", application.displayName()) + " " + application.clientId() + "  "
                    + (application.secret() == null ? "(no secret)" : application.secret()));
        }
    }

    /** Reads 75m, 90s, 2h or an ISO-8601 duration (PT1H) with {@link Durations}; a token lifetime is positive. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration duration;
            try {
                duration = Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 75m, 90s, 2h or PT1H");
            }
            if (duration.isZero() || duration.isNegative()) {
                throw new CommandLine.TypeConversionException("a token lifetime must be positive");
            }
            return duration;
        }
    }
}
