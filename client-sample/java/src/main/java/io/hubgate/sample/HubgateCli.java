package io.hubgate.sample;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.hubgate.api.v1.DeleteDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.IdentityView;
import io.hubgate.api.v1.InvokeMethodRequest;
import io.hubgate.api.v1.InvokeMethodResponse;
import io.hubgate.api.v1.ListDevicesRequest;
import io.hubgate.api.v1.ListDevicesResponse;
import io.hubgate.api.v1.MethodServiceGrpc;
import io.hubgate.api.v1.QueryResult;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.StreamQueryTwinsRequest;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.api.v1.UpdateTwinRequest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A command-line client for the hubgate gRPC API, built only on the generated stubs of
 * {@code hubgate-proto}. Prints responses as JSON; on a gRPC error prints the code, the
 * description and the rich-status details, and exits with 1 (usage errors exit with 2).
 */
@Command(name = "hubgate", mixinStandardHelpOptions = true, version = "hubgate sample client 0.1.0",
        description = "Calls a hubgate gateway: devices, twins, queries, direct methods, fleet jobs.",
        subcommands = {
                HubgateCli.CreateDevice.class, HubgateCli.GetDevice.class, HubgateCli.ListDevices.class,
                HubgateCli.DeleteDevice.class, HubgateCli.GetTwin.class, HubgateCli.UpdateTwin.class,
                HubgateCli.Query.class, HubgateCli.Invoke.class, HubgateCli.Stats.class, JobCommand.class})
public final class HubgateCli implements Runnable {

    /** Exit code of a call the gateway (or the transport) failed. */
    public static final int CALL_FAILED = 1;

    private static final JsonFormat.Printer PRETTY = JsonFormat.printer();
    private static final JsonFormat.Printer COMPACT = JsonFormat.printer().omittingInsignificantWhitespace();

    private final PrintWriter out;
    private final PrintWriter err;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--target", defaultValue = "127.0.0.1:50051", paramLabel = "HOST:PORT",
            description = "The gateway's address (default: ${DEFAULT-VALUE}).")
    String target;

    @CommandLine.ArgGroup(exclusive = true)
    Transport transport = new Transport();

    static final class Transport {
        @Option(names = "--plaintext", description = "Talk to the gateway without TLS (local development).")
        boolean plaintext;

        @Option(names = "--ca-cert", paramLabel = "PEM",
                description = "Trust this CA (PEM) for the gateway's TLS certificate instead of the system's CAs.")
        Path caCert;
    }

    @Option(names = "--token", defaultValue = "${env:HUBGATE_TOKEN}", paramLabel = "JWT",
            description = "The caller's bearer token (default: the HUBGATE_TOKEN environment variable).")
    String token;

    @Option(names = "--client-id", description = "Acquire a token as this app registration (with --client-secret and --tenant).")
    String clientId;

    @Option(names = "--client-secret", description = "The app registration's client secret.")
    String clientSecret;

    @Option(names = "--tenant", description = "The Entra tenant id.")
    String tenant;

    @Option(names = "--authority", paramLabel = "URL",
            description = "The Entra authority host (default: https://login.microsoftonline.com/).")
    String authority;

    @Option(names = "--authority-ca-cert", paramLabel = "PEM", description = "Trust this CA (PEM) for the authority's TLS certificate.")
    Path authorityCaCert;

    @Option(names = "--scope", defaultValue = "api://hubgate/.default",
            description = "The scope of the acquired token (default: ${DEFAULT-VALUE}).")
    String scope;

    public HubgateCli(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
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

    /** Runs one call on a fresh channel; prints the gRPC error and returns 1 if it fails. */
    int call(GrpcCall body) {
        ManagedChannel channel;
        try {
            channel = channel();
        } catch (IOException e) {
            err.println("error: cannot read a certificate: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        try {
            String bearer = bearerToken();
            io.grpc.Channel authenticated = bearer == null ? channel
                    : io.grpc.ClientInterceptors.intercept(channel, bearer(bearer));
            body.run(authenticated);
            return CommandLine.ExitCode.OK;
        } catch (StatusRuntimeException e) {
            Errors.print(e, err, transport.plaintext);
            return CALL_FAILED;
        } catch (InvalidProtocolBufferException e) {
            err.println("error: cannot print the response as JSON: " + e.getMessage());
            return CALL_FAILED;
        } catch (TokenAcquisition.Failure e) {
            err.println("error: could not acquire a token: " + e.getMessage());
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

    @FunctionalInterface
    interface GrpcCall {
        void run(io.grpc.Channel channel) throws InvalidProtocolBufferException;
    }

    private ManagedChannel channel() throws IOException {
        ChannelCredentials credentials;
        if (transport.plaintext) {
            credentials = InsecureChannelCredentials.create();
        } else if (transport.caCert != null) {
            requireCertificate(transport.caCert);
            credentials = TlsChannelCredentials.newBuilder().trustManager(transport.caCert.toFile()).build();
        } else {
            credentials = TlsChannelCredentials.create();
        }
        return Grpc.newChannelBuilder(target, credentials).build();
    }

    /**
     * Fails with a readable message unless the file holds at least one PEM certificate (grpc
     * would otherwise fail to build the channel with an exception naming its providers).
     */
    private static void requireCertificate(Path pem) throws IOException {
        byte[] content;
        try (InputStream in = new FileInputStream(pem.toFile())) {
            content = in.readAllBytes();
        }
        if (!new String(content, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            throw new IOException(pem + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        }
        try {
            CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(content));
        } catch (CertificateException e) {
            throw new IOException(pem + ": not a readable PEM certificate (" + e.getMessage() + ")", e);
        }
    }

    private String bearerToken() {
        if (token != null && !token.isBlank()) {
            return token.strip();
        }
        if (clientId != null) {
            return TokenAcquisition.clientSecret(tenant, clientId, clientSecret, authority, authorityCaCert, scope);
        }
        return null;
    }

    private static ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    void printPretty(Message message) throws InvalidProtocolBufferException {
        out.println(PRETTY.print(message));
    }

    void printLine(Message message) throws InvalidProtocolBufferException {
        out.println(COMPACT.print(message));
        out.flush();
    }

    PrintWriter out() {
        return out;
    }

    @Command(name = "create-device", mixinStandardHelpOptions = true, description = "Registers a new device (SAS keys generated by IoT Hub).")
    static final class CreateDevice implements Callable<Integer> {
        @ParentCommand HubgateCli cli;
        @Parameters(paramLabel = "DEVICE_ID") String deviceId;
        @Option(names = "--with-keys", description = "Print the generated keys (needs the Keys.Read role).") boolean withKeys;

        @Override
        public Integer call() {
            return cli.call(channel -> cli.printPretty(RegistryServiceGrpc.newBlockingStub(channel).createDevice(
                    CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(deviceId))
                            .setView(view(withKeys)).build())));
        }
    }

    @Command(name = "get-device", mixinStandardHelpOptions = true, description = "Prints one device.")
    static final class GetDevice implements Callable<Integer> {
        @ParentCommand HubgateCli cli;
        @Parameters(paramLabel = "DEVICE_ID") String deviceId;
        @Option(names = "--with-keys", description = "Include the symmetric keys (needs the Keys.Read role).") boolean withKeys;

        @Override
        public Integer call() {
            return cli.call(channel -> cli.printPretty(RegistryServiceGrpc.newBlockingStub(channel).getDevice(
                    GetDeviceRequest.newBuilder().setDeviceId(deviceId).setView(view(withKeys)).build())));
        }
    }

    @Command(name = "list-devices", mixinStandardHelpOptions = true,
            description = "Prints every device, one JSON object per line, following the pages to the end.")
    static final class ListDevices implements Callable<Integer> {
        @ParentCommand HubgateCli cli;
        @Option(names = "--page-size", defaultValue = "100", description = "Devices per page, 1 to 1000 (default: ${DEFAULT-VALUE}).")
        int pageSize;

        @Override
        public Integer call() {
            return cli.call(channel -> {
                RegistryServiceGrpc.RegistryServiceBlockingStub registry = RegistryServiceGrpc.newBlockingStub(channel);
                String pageToken = "";
                do {
                    ListDevicesResponse page = registry.listDevices(
                            ListDevicesRequest.newBuilder().setPageSize(pageSize).setPageToken(pageToken).build());
                    for (Device device : page.getDevicesList()) {
                        cli.printLine(device);
                    }
                    pageToken = page.getNextPageToken();
                } while (!pageToken.isEmpty());
            });
        }
    }

    @Command(name = "delete-device", mixinStandardHelpOptions = true, description = "Removes a device with its modules and twin.")
    static final class DeleteDevice implements Callable<Integer> {
        @ParentCommand HubgateCli cli;
        @Parameters(paramLabel = "DEVICE_ID") String deviceId;
        @Option(names = "--etag", description = "Delete only while the device's etag is still this one.") String etag;

        @Override
        public Integer call() {
            return cli.call(channel -> {
                DeleteDeviceRequest.Builder request = DeleteDeviceRequest.newBuilder().setDeviceId(deviceId);
                if (etag != null) {
                    request.setEtag(etag);
                }
                RegistryServiceGrpc.newBlockingStub(channel).deleteDevice(request.build());
                cli.out().println("deleted " + deviceId);
            });
        }
    }

    @Command(name = "get-twin", mixinStandardHelpOptions = true, description = "Prints the twin of a device or module.")
    static final class GetTwin implements Callable<Integer> {
        @ParentCommand HubgateCli cli;
        @Parameters(paramLabel = "DEVICE_ID") String deviceId;
        @Option(names = "--module", paramLabel = "MODULE_ID", description = "The module's twin instead of the device's.") String moduleId;

        @Override
        public Integer call() {
            return cli.call(channel -> cli.printPretty(TwinServiceGrpc.newBlockingStub(channel).getTwin(
                    GetTwinRequest.newBuilder().setDeviceId(deviceId).setModuleId(moduleId == null ? "" : moduleId).build())));
        }
    }

    @Command(name = "update-twin", mixinStandardHelpOptions = true,
            description = "Merges desired properties and/or tags into a twin (a null value deletes a key); prints the new twin.")
    static final class UpdateTwin implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @ParentCommand HubgateCli cli;
        @Parameters(paramLabel = "DEVICE_ID") String deviceId;
        @Option(names = "--module", paramLabel = "MODULE_ID", description = "Update the module's twin.") String moduleId;
        @Option(names = "--desired", paramLabel = "JSON", converter = Json.StructConverter.class,
                description = "Desired properties to merge, a JSON object.") Struct desired;
        @Option(names = "--tags", paramLabel = "JSON", converter = Json.StructConverter.class,
                description = "Tags to merge, a JSON object.") Struct tags;
        @Option(names = "--etag", description = "Update only while the twin's etag is still this one.") String etag;

        @Override
        public Integer call() {
            if (desired == null && tags == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give --desired, --tags or both");
            }
            UpdateTwinRequest.Builder request = UpdateTwinRequest.newBuilder().setDeviceId(deviceId);
            if (moduleId != null) {
                request.setModuleId(moduleId);
            }
            if (desired != null) {
                request.setDesired(desired);
            }
            if (tags != null) {
                request.setTags(tags);
            }
            if (etag != null) {
                request.setEtag(etag);
            }
            return cli.call(channel -> cli.printPretty(TwinServiceGrpc.newBlockingStub(channel).updateTwin(request.build())));
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "Runs an IoT Hub query and prints each result as it arrives, one JSON object per line.")
    static final class Query implements Callable<Integer> {
        @ParentCommand HubgateCli cli;
        @Parameters(paramLabel = "QUERY", description = "e.g. \"SELECT * FROM devices WHERE properties.desired.mode = 'eco'\"")
        String query;
        @Option(names = "--page-size", defaultValue = "0", description = "Results per upstream page, 1 to 1000 (default: the gateway's).")
        int pageSize;

        @Override
        public Integer call() {
            return cli.call(channel -> {
                Iterator<QueryResult> results = TwinServiceGrpc.newBlockingStub(channel).streamQueryTwins(
                        StreamQueryTwinsRequest.newBuilder().setQuery(query).setPageSize(pageSize).build());
                while (results.hasNext()) {
                    QueryResult result = results.next();
                    cli.printLine(result.hasTwin() ? result.getTwin() : result.getRow());
                }
            });
        }
    }

    @Command(name = "invoke", mixinStandardHelpOptions = true, description = "Invokes a direct method on a connected device and prints its answer.")
    static final class Invoke implements Callable<Integer> {
        @ParentCommand HubgateCli cli;
        @Parameters(index = "0", paramLabel = "DEVICE_ID") String deviceId;
        @Parameters(index = "1", paramLabel = "METHOD") String method;
        @Option(names = "--module", paramLabel = "MODULE_ID", description = "Call the module's method.") String moduleId;
        @Option(names = "--payload", paramLabel = "JSON", converter = Json.ValueConverter.class,
                description = "The method's payload, any JSON value (default: null).") Value payload;
        @Option(names = "--timeout", defaultValue = "30s", converter = Json.DurationConverter.class,
                description = "How long the device has to answer, 5s to 300s (default: ${DEFAULT-VALUE}).") Duration timeout;

        @Override
        public Integer call() {
            InvokeMethodRequest.Builder request = InvokeMethodRequest.newBuilder().setDeviceId(deviceId).setMethodName(method)
                    .setResponseTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(timeout.getSeconds())
                            .setNanos(timeout.getNano()));
            if (moduleId != null) {
                request.setModuleId(moduleId);
            }
            if (payload != null) {
                request.setPayload(payload);
            }
            return cli.call(channel -> {
                InvokeMethodResponse response = MethodServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(timeout.plusSeconds(15).toMillis(), TimeUnit.MILLISECONDS)
                        .invokeMethod(request.build());
                cli.printPretty(response);
            });
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Prints the device counts of the registry.")
    static final class Stats implements Callable<Integer> {
        @ParentCommand HubgateCli cli;

        @Override
        public Integer call() {
            return cli.call(channel -> cli.printPretty(RegistryServiceGrpc.newBlockingStub(channel)
                    .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance())));
        }
    }

    private static IdentityView view(boolean withKeys) {
        return withKeys ? IdentityView.IDENTITY_VIEW_WITH_KEYS : IdentityView.IDENTITY_VIEW_BASIC;
    }
}
