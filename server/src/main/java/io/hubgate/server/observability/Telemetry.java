package io.hubgate.server.observability;

import io.grpc.ServerBuilder;
import io.grpc.opentelemetry.GrpcOpenTelemetry;
import io.hubgate.server.config.OperationsSettings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's OpenTelemetry: one SDK per gateway (never the global one, so that gateways in one
 * JVM, as in tests, do not share instruments), with a Prometheus reader serving text metrics on
 * the metrics port and an OTLP/HTTP exporter for traces, each only when configured. It puts the
 * gRFC A66 {@code grpc.server.call.*} instruments of grpc-java's OpenTelemetry module and the
 * {@link ServerTracing} spans on the gRPC server, and hands the gateway's own instruments their
 * {@link #meter()}. Off, it is the API's no-op: instruments cost nothing and record nothing.
 *
 * <p>Thread-safe.
 */
public final class Telemetry implements AutoCloseable {

    /** The instrumentation scope of the gateway's own instruments and spans. */
    public static final String SCOPE = "io.hubgate.server";
    /** How long a stop waits for the last spans to be exported. */
    private static final long FLUSH_SECONDS = 5;

    private final OpenTelemetry openTelemetry;
    private final OpenTelemetrySdk sdk;
    private final boolean metrics;
    private final boolean tracing;

    private Telemetry(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk, boolean metrics, boolean tracing) {
        this.openTelemetry = openTelemetry;
        this.sdk = sdk;
        this.metrics = metrics;
        this.tracing = tracing;
    }

    /** Records and exports nothing. */
    public static Telemetry off() {
        return new Telemetry(OpenTelemetry.noop(), null, false, false);
    }

    /**
     * Starts what {@code settings} asks for: the metrics port listens on {@code bindAddress} from
     * here on; spans are batched and sent to the OTLP endpoint.
     */
    public static Telemetry start(OperationsSettings settings, String bindAddress) {
        if (settings.metricsPort() == null && settings.otlpEndpoint() == null) {
            return off();
        }
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), "hubgate",
                AttributeKey.stringKey("service.version"), version(),
                // A pod's name in Kubernetes; a random id elsewhere, so two replicas never look like one.
                AttributeKey.stringKey("service.instance.id"), instanceId())));
        var builder = OpenTelemetrySdk.builder();
        if (settings.metricsPort() != null) {
            builder.setMeterProvider(SdkMeterProvider.builder().setResource(resource)
                    .registerMetricReader(PrometheusHttpServer.builder().setHost(bindAddress).setPort(settings.metricsPort()).build())
                    .build());
        }
        if (settings.otlpEndpoint() != null) {
            String endpoint = settings.otlpEndpoint().toString().replaceAll("/+$", "") + "/v1/traces";
            builder.setTracerProvider(SdkTracerProvider.builder().setResource(resource)
                    // The caller's sampling decision wins; a call that comes without one is traced.
                    .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
                    .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build()).build())
                    .build());
        }
        OpenTelemetrySdk sdk = builder.build();
        return new Telemetry(sdk, sdk, settings.metricsPort() != null, settings.otlpEndpoint() != null);
    }

    /**
     * Adds to a server about to be built: the gRPC server instruments and the count of caller-auth
     * refusals (metrics), the per-call spans (tracing), and the name of each call's RPC for the
     * upstream instruments and spans (either).
     */
    public void configure(ServerBuilder<?> server) {
        if (metrics) {
            GrpcOpenTelemetry.newBuilder().sdk(openTelemetry).build().configureServerBuilder(server);
            server.intercept(new CallerAuthRefusals(meter()));
        }
        if (metrics || tracing) {
            server.intercept(new RpcOperation());
        }
        if (tracing) {
            server.intercept(new ServerTracing(tracer())); // added last: runs first, so every call is inside its span
        }
    }

    /** Whether anything is measured or traced; when not, per-call observation can be skipped altogether. */
    public boolean recording() {
        return metrics || tracing;
    }

    /** The meter of the gateway's own instruments (a no-op one when metrics are off). */
    public Meter meter() {
        return openTelemetry.getMeter(SCOPE);
    }

    /** The tracer of the gateway's own spans (a no-op one when tracing is off). */
    public Tracer tracer() {
        return openTelemetry.getTracer(SCOPE, version());
    }

    /** Exports what is left and stops the metrics port. */
    @Override
    public void close() {
        if (sdk != null) {
            sdk.shutdown().join(FLUSH_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static String version() {
        String version = Telemetry.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private static String instanceId() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? UUID.randomUUID().toString() : host;
    }
}
