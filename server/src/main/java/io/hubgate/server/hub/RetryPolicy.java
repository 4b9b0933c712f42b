package io.hubgate.server.hub;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When an upstream failure is retried, and after how long: exponential backoff with full jitter,
 * within the caller's deadline, at most {@link #MAX_ATTEMPTS} attempts.
 *
 * <p>What may be retried depends on the operation. A repeatable one (a read, a twin merge, a
 * replace) is retried on any transient failure: throttling, 5xx, a broken connection. A
 * non-repeatable one (a create, a delete, a direct method) is retried only when the failure
 * proves IoT Hub did not act — throttled (429) or never connected — because after an ambiguous
 * failure a retried create could answer a spurious ALREADY_EXISTS (or a retried delete a spurious
 * NOT_FOUND) for a change that in fact happened.
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
        if (attempt >= MAX_ATTEMPTS) {
            return false;
        }
        if (repeatability == Repeatability.REPEATABLE) {
            return HubErrorMapper.isTransient(failure);
        }
        return provesNotProcessed(failure);
    }

    /** The wait before attempt {@code attempt + 1}: random in [0, min(max, first × 2^(attempt-1))]. */
    public static Duration backoff(int attempt) {
        long cap = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 16));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap + 1));
    }

    private static boolean provesNotProcessed(Throwable failure) {
        if (failure instanceof IotHubException hub) {
            int code = hub.getErrorCode();
            return code == 429 || code / 1000 == 429;
        }
        return failure instanceof ConnectException || failure instanceof UnknownHostException;
    }
}
