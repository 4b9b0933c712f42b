package io.hubgate.sample;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command-line client for the hubgate gRPC API, built only on the generated stubs of
 * {@code hubgate-proto}: the top-level command, which owns how to reach and authenticate to the
 * gateway, runs one call and prints its result. Each subcommand is a class of its own that builds
 * one request and says how to print the answer.
 *
 * <p>Every connection option falls back to the {@code HUBGATE_*} environment variable that all
 * sample clients read (client-sample/README.md), so the variables a gateway's
 * {@code --dev-env-file} writes are all the CLI needs; a flag wins over its variable.
 *
 * <p>Prints responses as JSON; on a gRPC error prints the code, the description and the
 * rich-status details, and exits with 1 (usage errors exit with 2).
 */
@Command(name = "hubgate", mixinStandardHelpOptions = true, version = "hubgate sample client 0.1.0",
        description = "Calls a hubgate gateway: devices, twins, queries, direct methods, fleet jobs.",
        subcommands = {
                CreateDeviceCommand.class, GetDeviceCommand.class, ListDevicesCommand.class, DeleteDeviceCommand.class,
                GetTwinCommand.class, UpdateTwinCommand.class, QueryCommand.class, InvokeCommand.class,
                StatsCommand.class, JobCommand.class})
public final class HubgateCli implements Runnable {

    /** Exit code of a call the gateway (or the transport) failed. */
    public static final int CALL_FAILED = 1;

    static final String DEFAULT_TARGET = "127.0.0.1:50051";
    static final String DEFAULT_SCOPE = "api://hubgate/.default";

    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, String> environment;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--target", paramLabel = "HOST:PORT",
            description = "The gateway's address (default: $HUBGATE_TARGET, else " + DEFAULT_TARGET + ").")
    String target;

    @CommandLine.ArgGroup(exclusive = true)
    Transport transport = new Transport();

    static final class Transport {
        @Option(names = "--plaintext",
                description = "Talk to the gateway without TLS, for a local gateway (default: $HUBGATE_PLAINTEXT=true).")
        boolean plaintext;

        @Option(names = "--ca-cert", paramLabel = "PEM",
                description = "Trust this CA (PEM) for the gateway's TLS certificate instead of the system's CAs (default: $HUBGATE_CA_CERT).")
        Path caCert;
    }

    @Option(names = "--token", paramLabel = "JWT", description = "The caller's bearer token (default: $HUBGATE_TOKEN).")
    String token;

    @Option(names = "--client-id",
            description = "Acquire a token as this app registration, with --client-secret (default: $HUBGATE_CLIENT_ID).")
    String clientId;

    @Option(names = "--client-secret", description = "The app registration's client secret (default: $HUBGATE_CLIENT_SECRET).")
    String clientSecret;

    @Option(names = "--token-url", paramLabel = "URL",
            description = "The Entra v2 token endpoint, https://<authority host>/<tenant>/oauth2/v2.0/token (default: $HUBGATE_TOKEN_URL).")
    String tokenUrl;

    @Option(names = "--tenant", description = "The Entra tenant id, instead of --token-url.")
    String tenant;

    @Option(names = "--authority", paramLabel = "URL",
            description = "With --tenant: the Entra authority host (default: https://login.microsoftonline.com/).")
    String authority;

    @Option(names = {"--token-ca-cert", "--authority-ca-cert"}, paramLabel = "PEM",
            description = "Trust this CA (PEM) for the token endpoint's TLS certificate (default: $HUBGATE_TOKEN_CA_CERT).")
    Path tokenCaCert;

    @Option(names = "--scope",
            description = "The scope of the acquired token (default: $HUBGATE_TOKEN_SCOPE, else " + DEFAULT_SCOPE + ").")
    String scope;

    /** @param environment where the {@code HUBGATE_*} defaults come from (tests give their own) */
    public HubgateCli(PrintWriter out, PrintWriter err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = Map.copyOf(environment);
    }

    public HubgateCli(PrintWriter out, PrintWriter err) {
        this(out, err, System.getenv());
    }

    public HubgateCli() {
        this(new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new HubgateCli()).execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /** What a subcommand does with the channel: one or more calls, printing as it goes. */
    @FunctionalInterface
    interface GrpcCall {
        void run(io.grpc.Channel channel) throws InvalidProtocolBufferException;
    }

    /** Runs the calls on a fresh channel; prints the gRPC error and returns 1 if one fails. */
    int call(GrpcCall body) {
        String bearer;
        ManagedChannel channel;
        try {
            bearer = bearerToken();
            channel = channel();
        } catch (IOException | IllegalArgumentException unusable) {
            err.println("error: " + unusable.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        } catch (TokenAcquisition.Failure e) {
            err.println("error: could not acquire a token: " + e.getMessage());
            err.flush();
            return CALL_FAILED;
        }
        try {
            body.run(bearer == null ? channel : ClientInterceptors.intercept(channel, bearer(bearer)));
            return CommandLine.ExitCode.OK;
        } catch (StatusRuntimeException e) {
            Errors.print(e, err, plaintext());
            return CALL_FAILED;
        } catch (InvalidProtocolBufferException e) {
            err.println("error: cannot print the response as JSON: " + e.getMessage());
            return CALL_FAILED;
        } finally {
            out.flush();
            err.flush();
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A single result, indented. */
    void printPretty(MessageOrBuilder message) throws InvalidProtocolBufferException {
        out.println(JsonOutput.pretty(message));
    }

    /** A single result in which a zero or an empty value is an answer too (counts). */
    void printPrettyWithDefaults(MessageOrBuilder message) throws InvalidProtocolBufferException {
        out.println(JsonOutput.prettyWithDefaults(message));
    }

    /** One of many results, on one line, flushed so that a pipe sees it as it arrives. */
    void printLine(MessageOrBuilder message) throws InvalidProtocolBufferException {
        out.println(JsonOutput.compact(message));
        out.flush();
    }

    /** A line of plain text. */
    void printText(String line) {
        out.println(line);
    }

    /** A line on standard error, as the CLI's own errors are printed. */
    void printError(String line) {
        err.println("error: " + line);
        err.flush();
    }

    private String target() {
        return firstSet(target, environment.get("HUBGATE_TARGET"), DEFAULT_TARGET);
    }

    /** A transport flag wins over both variables; of the variables, HUBGATE_PLAINTEXT=true wins. */
    private boolean plaintext() {
        if (transport.plaintext || transport.caCert != null) {
            return transport.plaintext;
        }
        return "true".equalsIgnoreCase(environment.getOrDefault("HUBGATE_PLAINTEXT", "").strip());
    }

    private Path caCert() {
        if (transport.caCert != null) {
            return transport.caCert;
        }
        String fromEnvironment = blankToNull(environment.get("HUBGATE_CA_CERT"));
        return fromEnvironment == null ? null : Path.of(fromEnvironment);
    }

    private ManagedChannel channel() throws IOException {
        ChannelCredentials credentials;
        Path caCert = caCert();
        if (plaintext()) {
            credentials = InsecureChannelCredentials.create();
        } else if (caCert != null) {
            requireCertificate(caCert);
            credentials = TlsChannelCredentials.newBuilder().trustManager(caCert.toFile()).build();
        } else {
            credentials = TlsChannelCredentials.create();
        }
        return Grpc.newChannelBuilder(target(), credentials).build();
    }

    /**
     * Fails with a readable message unless the file holds at least one PEM certificate (grpc
     * would otherwise fail to build the channel with an exception naming its providers).
     */
    private static void requireCertificate(Path pem) throws IOException {
        byte[] content;
        try (InputStream in = new FileInputStream(pem.toFile())) {
            content = in.readAllBytes();
        } catch (IOException e) {
            throw new IOException("cannot read a certificate: " + e.getMessage(), e);
        }
        if (!new String(content, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            throw new IOException("cannot read a certificate: " + pem + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        }
        try {
            CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(content));
        } catch (CertificateException e) {
            throw new IOException("cannot read a certificate: " + pem + ": not a readable PEM certificate (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The bearer token, from the first of: {@code --token}; a token acquired for
     * {@code --client-id}; {@code HUBGATE_TOKEN}; a token acquired for {@code HUBGATE_CLIENT_ID}.
     * Null when none of them is set: the call goes without a credential.
     */
    private String bearerToken() {
        if (blankToNull(token) != null) {
            return token.strip();
        }
        if (blankToNull(clientId) == null) {
            String fromEnvironment = blankToNull(environment.get("HUBGATE_TOKEN"));
            if (fromEnvironment != null) {
                return fromEnvironment.strip();
            }
        }
        String id = firstSet(clientId, environment.get("HUBGATE_CLIENT_ID"), null);
        if (id == null) {
            return null;
        }
        String secret = firstSet(clientSecret, environment.get("HUBGATE_CLIENT_SECRET"), null);
        String tokenScope = firstSet(scope, environment.get("HUBGATE_TOKEN_SCOPE"), DEFAULT_SCOPE);
        String caFromEnvironment = blankToNull(environment.get("HUBGATE_TOKEN_CA_CERT"));
        Path caCert = tokenCaCert != null ? tokenCaCert : caFromEnvironment == null ? null : Path.of(caFromEnvironment);
        if (secret == null) {
            throw new IllegalArgumentException("--client-id needs --client-secret (or HUBGATE_CLIENT_SECRET)");
        }
        if (blankToNull(tenant) != null) {
            return TokenAcquisition.clientSecret(tenant, id, secret, blankToNull(authority), caCert, tokenScope);
        }
        String endpoint = firstSet(tokenUrl, environment.get("HUBGATE_TOKEN_URL"), null);
        if (endpoint == null) {
            throw new IllegalArgumentException("--client-id needs --token-url (or HUBGATE_TOKEN_URL), or --tenant");
        }
        return TokenAcquisition.atTokenEndpoint(endpoint, id, secret, caCert, tokenScope);
    }

    private static ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private static String firstSet(String flag, String variable, String fallback) {
        if (blankToNull(flag) != null) {
            return flag.strip();
        }
        return blankToNull(variable) != null ? variable.strip() : fallback;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
