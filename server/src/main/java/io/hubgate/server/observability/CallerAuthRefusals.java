package io.hubgate.server.observability;

import com.google.rpc.ErrorInfo;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.hubgate.server.errors.ErrorReason;
import io.hubgate.server.errors.GatewayStatus;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;

/**
 * Counts the calls the gateway refused for who the caller is ({@code hubgate.caller_auth.refusals}),
 * by the ErrorInfo reason of the refusal: UNAUTHENTICATED with an authentication reason
 * ({@code TOKEN_EXPIRED}, {@code CREDENTIALS_MISSING} …) or PERMISSION_DENIED with
 * {@code MISSING_ROLE}. It reads the status each call closes with, so it sees every refusal
 * whichever interceptor or handler made it, and only the gateway's own ({@value GatewayStatus#DOMAIN}),
 * whose reasons are a fixed set. Stateless apart from its counter.
 */
final class CallerAuthRefusals implements ServerInterceptor {

    private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

    private final LongCounter refusals;

    CallerAuthRefusals(Meter meter) {
        this.refusals = meter.counterBuilder("hubgate.caller_auth.refusals")
                .setDescription("Calls refused UNAUTHENTICATED or PERMISSION_DENIED by the gateway, by ErrorInfo reason").build();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                Status.Code code = status.getCode();
                if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
                    ErrorInfo info = ErrorReason.of(status, trailers);
                    if (info != null && GatewayStatus.DOMAIN.equals(info.getDomain())) {
                        refusals.add(1, Attributes.of(REASON, info.getReason()));
                    }
                }
                super.close(status, trailers);
            }
        }, headers);
    }
}
