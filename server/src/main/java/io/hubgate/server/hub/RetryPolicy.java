package io.hubgate.server.hub;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * When an upstream failure is retried, and after how long: exponential backoff with full jitter,
 * never shorter than the hub's {@code Retry-After} when it sent one, within the caller's deadline,
 * at most {@link #MAX_ATTEMPTS} attempts.
 *
 * <p>What may be retried depends on the operation. A repeatable one (a read, a query page) is
 * retried on any transient failure: throttling, 5xx, a broken
 * connection — except a throttle met through the SDK, which hides when the hub allows the next
 * try ({@link #sdkThrottle}). A non-repeatable one (a create, a delete, any twin write, a direct method) is
 * retried only when the failure proves IoT Hub did not act — throttled (429) or never connected.
 * When its answer was lost after the request went out ({@link #outcomeUnknown}), the call's
 * {@link Verifier} (if any) reads the hub to decide; nothing here ever retries such a failure.
 */
public final class RetryPolicy {

    /** Whether repeating the operation could duplicate or lose an effect. */
    public enum Repeatability {
        REPEATABLE, NOT_REPEATABLE
    }

    public static final int MAX_ATTEMPTS = 5;
    public static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private RetryPolicy() {
    }

    /** True when attempt number {@code attempt} (1-based) failed with a failure worth another try. */
    public static boolean shouldRetry(Throwable failure, Repeatability repeatability, int attempt) {
        if (attempt >= MAX_ATTEMPTS || sdkThrottle(failure)) {
            return false;
        }
        if (repeatability == Repeatability.REPEATABLE) {
            return HubErrorMapper.isTransient(failure);
        }
        return provesNotProcessed(failure);
    }

    /**
     * The wait before attempt {@code attempt + 1}: random in [0, {@link #cap}], or the hub's
     * {@code Retry-After} if that is longer (waiting less would only be throttled again).
     */
    public static Duration backoff(int attempt, Throwable failure) {
        return backoff(attempt, failure, bound -> ThreadLocalRandom.current().nextLong(bound));
    }

    /** As {@link #backoff(int, Throwable)}, drawing with {@code random} (given n, a value in [0, n)). */
    static Duration backoff(int attempt, Throwable failure, LongUnaryOperator random) {
        Duration jitter = Duration.ofMillis(random.applyAsLong(cap(attempt).toMillis() + 1));
        Duration hub = HubErrorMapper.retryAfter(failure);
        return hub != null && hub.compareTo(jitter) > 0 ? hub : jitter;
    }

    /** The longest wait after attempt {@code attempt}: {@code min(MAX_BACKOFF, FIRST_BACKOFF × 2^(attempt-1))}. */
    static Duration cap(int attempt) {
        return Duration.ofMillis(Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 16)));
    }

    /**
     * A throttle met through the SDK (429 as an {@link IotHubException}): the SDK hides the hub's
     * {@code Retry-After}, so a retry on the gateway's own backoff could come sooner than the hub
     * asked (a hub saying "an hour" was sent five requests in a second). Such a throttle is never
     * retried; the caller gets RESOURCE_EXHAUSTED with {@link HubErrorMapper#SDK_THROTTLE_RETRY_DELAY}.
     * On the controlled path the header is read, and a retry waits at least that long.
     */
    static boolean sdkThrottle(Throwable failure) {
        return UpstreamFailure.unwrap(failure) instanceof IotHubException && UpstreamFailure.isThrottle(failure);
    }

    /** Throttled, or the connection was never made: IoT Hub certainly did not act. */
    static boolean provesNotProcessed(Throwable failure) {
        return UpstreamFailure.isThrottle(failure) || UpstreamFailure.notConnected(failure);
    }

    /**
     * The request may have reached the hub and its answer was lost: the connection failed after
     * it was sent (reset, closed, end of stream). Not a timeout, which the caller's deadline
     * reports as DEADLINE_EXCEEDED, and not a failure before sending (no connection, TLS failed).
     */
    public static boolean outcomeUnknown(Throwable failure) {
        return UpstreamFailure.answerLost(failure);
    }

    /**
     * A refusal that an earlier copy of the same request could have caused if it took effect
     * after all: 412 (a conditional write or delete met the etag it changed), 404 (a delete met
     * its own deletion), 409 (a create met its own identity), or the gateway's own ABORTED /
     * NOT_FOUND / ALREADY_EXISTS for the same reasons.
     */
    public static boolean couldBeEarlierAttempt(Throwable failure) {
        Throwable cause = UpstreamFailure.unwrap(failure);
        int status = UpstreamFailure.httpStatus(cause);
        if (cause instanceof com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException
                || cause instanceof com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException
                || cause instanceof com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException) {
            return true;
        } else if (status >= 0) {
            return status == 412 || status == 404 || status == 409;
        } else if (cause instanceof io.grpc.StatusRuntimeException gateway) {
            io.grpc.Status.Code code = gateway.getStatus().getCode();
            return code == io.grpc.Status.Code.ABORTED || code == io.grpc.Status.Code.NOT_FOUND
                    || code == io.grpc.Status.Code.ALREADY_EXISTS;
        }
        return false;
    }
}
