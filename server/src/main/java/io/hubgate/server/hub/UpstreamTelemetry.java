package io.hubgate.server.hub;

import io.hubgate.server.observability.RpcOperation;
import io.hubgate.server.observability.ServerTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;

import java.util.List;
import java.util.function.IntSupplier;

/**
 * What the gateway measures and traces of its calls to IoT Hub: the instruments (duration per
 * attempt by operation, path and outcome; retries; throttled answers; the hub's Retry-After;
 * capacity refusals; lost answers and how they were settled; slots and queue as gauges) and the
 * tracer of the upstream client spans ({@link UpstreamAttempt}). {@link UpstreamCalls} reports to
 * it; the handlers never do.
 *
 * <p>Every label is from a fixed set: {@code operation} is the RPC the call serves (see
 * {@link RpcOperation}), {@code path} is {@value #SDK} or {@value #CONTROLLED}, {@code outcome} is
 * {@value #OK} or the ErrorInfo reason the failure maps to (an IoT Hub error name such as
 * {@code DeviceNotFound}, or one of the gateway's own such as {@code UPSTREAM_TIMEOUT}). No id
 * ever becomes a label. Off ({@link #off()}), the instruments are OpenTelemetry's no-ops and the
 * per-call work that would feed them (labels, span names, the attempt in the OpenTelemetry context)
 * is skipped too, so an unobserved gateway pays nothing for it per call.
 *
 * <p>Thread-safe.
 */
public final class UpstreamTelemetry {

    /** The {@code path} of an attempt through the official SDK's clients. */
    public static final String SDK = "sdk";
    /** The {@code path} of an attempt through the controlled path (azure-core pipeline). */
    public static final String CONTROLLED = "controlled";
    /** The {@code outcome} of an attempt that succeeded. */
    public static final String OK = "OK";

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("operation");
    static final AttributeKey<String> PATH = AttributeKey.stringKey("path");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    static final AttributeKey<String> VERDICT = AttributeKey.stringKey("verdict");

    /** Seconds, from a twin read on a warm connection to a direct method that waits minutes. */
    static final List<Double> DURATION_BUCKETS = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            10.0, 30.0, 60.0, 300.0);
    /** Seconds: IoT Hub asks for waits from one second to minutes. */
    static final List<Double> RETRY_AFTER_BUCKETS = List.of(1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0);

    final Tracer tracer;
    /** False when off: nothing would record what is measured, so nothing per call is measured. */
    final boolean recording;
    final DoubleHistogram duration;
    final LongCounter throttled;
    final DoubleHistogram retryAfter;
    private final Meter meter;
    private final LongCounter retries;
    private final LongCounter capacityRefusals;
    private final LongCounter lostAnswers;
    /** Every call's observation when off: it records nothing, so one serves them all (null when on). */
    private final Call unobserved;

    public UpstreamTelemetry(Meter meter, Tracer tracer) {
        this(meter, tracer, true);
    }

    private UpstreamTelemetry(Meter meter, Tracer tracer, boolean recording) {
        this.recording = recording;
        this.meter = meter;
        this.tracer = tracer;
        this.duration = meter.histogramBuilder("hubgate.upstream.duration").setUnit("s")
                .setDescription("Time of one attempt of a call to IoT Hub (a lost answer's verifying read counts as one), "
                        + "by the RPC it serves, the path it took and its outcome")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        this.retries = meter.counterBuilder("hubgate.upstream.retries")
                .setDescription("Attempts made again after a transient failure, by the outcome that caused the retry").build();
        this.throttled = meter.counterBuilder("hubgate.upstream.throttled")
                .setDescription("Answers of IoT Hub that throttled the gateway (HTTP 429)").build();
        this.retryAfter = meter.histogramBuilder("hubgate.upstream.retry_after").setUnit("s")
                .setDescription("The waits IoT Hub asked for in Retry-After (seen on the controlled path only; the SDK hides the header)")
                .setExplicitBucketBoundariesAdvice(RETRY_AFTER_BUCKETS).build();
        this.capacityRefusals = meter.counterBuilder("hubgate.upstream.capacity_refusals")
                .setDescription("Calls refused RESOURCE_EXHAUSTED because every upstream slot was busy and the queue was full").build();
        this.lostAnswers = meter.counterBuilder("hubgate.upstream.lost_answers")
                .setDescription("Non-repeatable calls whose answer was lost after sending, by how the verifying read settled "
                        + "them (applied, not_applied, unknown)").build();
        this.unobserved = recording ? null : new Call("-", Span.getInvalid());
    }

    /** Measures nothing and makes no spans. */
    public static UpstreamTelemetry off() {
        OpenTelemetry noop = OpenTelemetry.noop();
        return new UpstreamTelemetry(noop.getMeter("off"), noop.getTracer("off"), false);
    }

    /**
     * Gauges read at each scrape: upstream slots in use and their limit, calls waiting for a slot
     * and the queue's limit.
     */
    void observeCapacity(IntSupplier inUse, int slots, IntSupplier queued, int queueLimit) {
        meter.gaugeBuilder("hubgate.upstream.slots.in_use").ofLongs()
                .setDescription("Upstream calls running now (each holds one of --max-concurrent-calls slots)")
                .buildWithCallback(gauge -> gauge.record(inUse.getAsInt()));
        meter.gaugeBuilder("hubgate.upstream.slots.limit").ofLongs()
                .setDescription("Upstream calls that may run at once (--max-concurrent-calls)")
                .buildWithCallback(gauge -> gauge.record(slots));
        meter.gaugeBuilder("hubgate.upstream.queue.depth").ofLongs()
                .setDescription("Upstream calls waiting for a slot now")
                .buildWithCallback(gauge -> gauge.record(queued.getAsInt()));
        meter.gaugeBuilder("hubgate.upstream.queue.limit").ofLongs()
                .setDescription("Upstream calls that may wait for a slot (--max-queued-calls); beyond it calls are refused")
                .buildWithCallback(gauge -> gauge.record(queueLimit));
    }

    /**
     * The observation of one upstream call, begun on the thread that asks for it, whose gRPC
     * context names the operation and holds the call's server span (the upstream spans' parent).
     */
    Call begin() {
        return recording ? new Call(RpcOperation.current(), ServerTracing.currentSpan()) : unobserved;
    }

    /** One upstream call, across its attempts. */
    final class Call {
        private final String operation;
        private final Attributes labels;
        private final Span parent;

        private Call(String operation, Span parent) {
            this.operation = operation;
            this.labels = recording ? Attributes.of(OPERATION, operation) : Attributes.empty();
            this.parent = parent;
        }

        /** Attempt number {@code number} (1-based) begins. */
        UpstreamAttempt attempt(int number) {
            return new UpstreamAttempt(UpstreamTelemetry.this, operation, parent, number, false);
        }

        /** The read that settles the lost answer of attempt {@code number} begins. */
        UpstreamAttempt verification(int number) {
            return new UpstreamAttempt(UpstreamTelemetry.this, operation, parent, number, true);
        }

        /** The call tries again after {@code failure}. */
        void retrying(Throwable failure) {
            retries.add(1, labels.toBuilder().put(OUTCOME, UpstreamAttempt.outcome(failure)).build());
        }

        void refusedAtCapacity() {
            capacityRefusals.add(1, labels);
        }

        /** A lost answer was settled as {@code verdict}. */
        void lostAnswer(Verifier.Verdict.State verdict) {
            lostAnswers.add(1, labels.toBuilder().put(VERDICT, verdict.name().toLowerCase(java.util.Locale.ROOT)).build());
        }
    }
}
