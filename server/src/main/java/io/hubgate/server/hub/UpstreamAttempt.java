package io.hubgate.server.hub;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import io.grpc.StatusRuntimeException;
import io.hubgate.server.errors.ErrorReason;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One attempt of one upstream call, observed: which path it took, how long it ran and how it
 * ended ({@code hubgate.upstream.duration}, throttling, Retry-After), and its client spans — the
 * children of the caller's server span.
 *
 * <p>The spans, per path:
 * <ul>
 *   <li>controlled path: one CLIENT span per HTTP request ({@link #requestSpan}, started by the
 *       transport), with the method, the path template (never an id), the status, and the hub's
 *       {@code x-ms-request-id} and error tracking id when the answer carries them;</li>
 *   <li>SDK path: the SDK's HTTP requests are out of reach, so one CLIENT span covers the attempt
 *       from its first use of the SDK's clients to its end, with the tracking id of an error answer.</li>
 * </ul>
 * Both carry the attempt number ({@code hubgate.upstream.attempt}), the operation and the path;
 * the read that settles a lost answer is marked {@code hubgate.upstream.verification}.
 *
 * <p>Made by {@link UpstreamCalls} for each attempt and used by that attempt's thread; the path
 * and span fields are written there and read when the attempt ends on the same thread.
 */
public final class UpstreamAttempt {

    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("hubgate.upstream.attempt");
    static final AttributeKey<String> SPAN_OPERATION = AttributeKey.stringKey("hubgate.operation");
    static final AttributeKey<String> SPAN_PATH = AttributeKey.stringKey("hubgate.upstream.path");
    static final AttributeKey<Boolean> VERIFICATION = AttributeKey.booleanKey("hubgate.upstream.verification");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("iothub.request_id");
    static final AttributeKey<String> TRACKING_ID = AttributeKey.stringKey("iothub.tracking_id");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private static final ContextKey<UpstreamAttempt> CURRENT = ContextKey.named("hubgate-upstream-attempt");
    /** IoT Hub's error bodies: {@code "trackingId":"…"}, also inside the JSON text of a {@code Message} field. */
    private static final Pattern TRACKING_ID_FIELD = Pattern.compile("\\\\?\"trackingId\\\\?\"\\s*:\\s*\\\\?\"([^\"\\\\]{1,200})");
    /** … or {@code "ExceptionMessage":"Tracking ID:…"} in the older named form. */
    private static final Pattern TRACKING_ID_TEXT = Pattern.compile("Tracking ID:([^\"\\\\]{1,200})");

    private final UpstreamTelemetry telemetry;
    private final String operation;
    /** The server span's context, the parent of this attempt's spans; null when telemetry is off. */
    private final Context parent;
    private final int number;
    private final boolean verification;
    private final long started = System.nanoTime();
    private String path;
    private Span sdkSpan;
    private boolean ended;

    UpstreamAttempt(UpstreamTelemetry telemetry, String operation, Span parent, int number, boolean verification) {
        this.telemetry = telemetry;
        this.operation = operation;
        this.parent = telemetry.recording ? Context.root().with(parent) : null;
        this.number = number;
        this.verification = verification;
    }

    /** The attempt running on this thread, or null (no upstream call, or the bench's bare transport). */
    public static UpstreamAttempt current() {
        return Context.current().get(CURRENT);
    }

    /** Makes this attempt current on this thread while its call runs (the transport finds it there). */
    Scope makeCurrent() {
        if (!telemetry.recording) {
            return Scope.noop(); // the transport then sends without a request span: nothing would record it
        }
        return Context.current().with(CURRENT, this).makeCurrent();
    }

    /** The attempt uses the SDK's clients: its span starts now, unless it took the controlled path first. */
    void usingSdk() {
        if (path == null) {
            path = UpstreamTelemetry.SDK;
            if (telemetry.recording) {
                sdkSpan = span("IoT Hub SDK " + operation, UpstreamTelemetry.SDK).startSpan();
            }
        }
    }

    /** The attempt uses the controlled path (whose requests get their own spans). */
    void usingControlled() {
        if (path == null) {
            path = UpstreamTelemetry.CONTROLLED;
        }
    }

    /**
     * A CLIENT span for one HTTP request of the controlled path, {@code GET /twins/{id}} and the
     * like: the caller ends it with {@link #answered} or {@link #failed}.
     */
    public Span requestSpan(String method, String pathTemplate) {
        usingControlled();
        return span(method + " " + pathTemplate, UpstreamTelemetry.CONTROLLED)
                .setAttribute("http.request.method", method)
                .setAttribute("url.template", pathTemplate)
                .startSpan();
    }

    /**
     * Ends a request span with the hub's answer: its status, {@code x-ms-request-id} and, for an
     * error, the error name (the {@code iothub-errorcode} header) and the body's tracking id.
     */
    public static void answered(Span span, int status, String requestId, String errorName, String body) {
        span.setAttribute("http.response.status_code", status);
        if (requestId != null && !requestId.isBlank()) {
            span.setAttribute(REQUEST_ID, requestId);
        }
        if (status >= 400) {
            span.setAttribute(ERROR_TYPE, errorName != null && !errorName.isBlank() ? errorName : Integer.toString(status));
            String tracking = trackingId(body);
            if (tracking != null) {
                span.setAttribute(TRACKING_ID, tracking);
            }
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    /** Ends a request span that got no answer. */
    public static void failed(Span span, Throwable failure) {
        span.setAttribute(ERROR_TYPE, failure.getClass().getName());
        span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        span.end();
    }

    /** The attempt is over, with {@code failure} or (null) success: records it and ends its SDK span. */
    void end(Throwable failure) {
        if (ended || path == null) {
            return; // ended already, or it never reached for the hub: nothing upstream to measure
        }
        ended = true;
        if (!telemetry.recording) {
            return;
        }
        String outcome = outcome(failure);
        Attributes labels = Attributes.of(UpstreamTelemetry.OPERATION, operation, UpstreamTelemetry.PATH, path,
                UpstreamTelemetry.OUTCOME, outcome);
        telemetry.duration.record((System.nanoTime() - started) / 1e9, labels);
        Throwable cause = UpstreamFailure.unwrap(failure);
        if (UpstreamFailure.isThrottle(cause)) {
            telemetry.throttled.add(1, Attributes.of(UpstreamTelemetry.OPERATION, operation, UpstreamTelemetry.PATH, path));
        }
        java.time.Duration wait = HubErrorMapper.retryAfter(cause);
        if (wait != null) {
            telemetry.retryAfter.record(wait.toMillis() / 1000.0, Attributes.of(UpstreamTelemetry.OPERATION, operation));
        }
        if (sdkSpan != null) {
            if (failure != null) {
                sdkSpan.setAttribute(ERROR_TYPE, outcome);
                String tracking = cause instanceof IotHubException ? trackingId(cause.getMessage()) : null;
                if (tracking != null) {
                    sdkSpan.setAttribute(TRACKING_ID, tracking);
                }
                sdkSpan.setStatus(StatusCode.ERROR, outcome);
            }
            sdkSpan.end();
        }
    }

    private SpanBuilder span(String name, String spanPath) {
        SpanBuilder builder = telemetry.tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.CLIENT)
                .setAttribute(SPAN_OPERATION, operation)
                .setAttribute(SPAN_PATH, spanPath)
                .setAttribute(ATTEMPT, (long) number);
        return verification ? builder.setAttribute(VERIFICATION, true) : builder;
    }

    /** {@value UpstreamTelemetry#OK}, or the ErrorInfo reason the failure maps to (a fixed set of names). */
    static String outcome(Throwable failure) {
        if (failure == null) {
            return UpstreamTelemetry.OK;
        }
        StatusRuntimeException mapped = HubErrorMapper.map(failure);
        return ErrorReason.reasonOrCode(mapped);
    }


    /** IoT Hub's tracking id in an error body or message, or null. */
    static String trackingId(String text) {
        if (text == null) {
            return null;
        }
        Matcher field = TRACKING_ID_FIELD.matcher(text);
        if (field.find()) {
            return field.group(1).trim();
        }
        Matcher named = TRACKING_ID_TEXT.matcher(text);
        return named.find() ? named.group(1).trim() : null;
    }

}
