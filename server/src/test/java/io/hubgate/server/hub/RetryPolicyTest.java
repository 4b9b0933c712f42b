package io.hubgate.server.hub;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import io.hubgate.server.hub.RetryPolicy.Repeatability;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retry rules, pinned so that they cannot loosen unnoticed: what is retried for a repeatable
 * and a non-repeatable operation, which failures are transient, and the backoff arithmetic. A
 * gateway that retried everything would break at-most-once for creates, deletes and methods.
 */
class RetryPolicyTest {

    private static IotHubException hub(int code) {
        return new IotHubException(code, "x");
    }

    private static HubErrorResponse answer(int status, Duration retryAfter) {
        return new HubErrorResponse(status, status * 1000 + 1, "x", retryAfter);
    }

    @Test
    void aRepeatableOperation_isRetriedOnTransientFailures_only() {
        for (Throwable transientFailure : new Throwable[]{hub(503001), hub(500001), hub(502), answer(429, null),
                answer(503, null), new EOFException("closed"), new CompletionException(new ConnectException("refused"))}) {
            assertThat(RetryPolicy.shouldRetry(transientFailure, Repeatability.REPEATABLE, 1)).as(transientFailure.toString()).isTrue();
        }
        for (Throwable permanent : new Throwable[]{hub(404001), hub(400004), hub(412001), hub(409001), hub(401003), hub(504101),
                answer(404, null), answer(412, null), new SocketTimeoutException("slow"), new HttpTimeoutException("slow"),
                new javax.net.ssl.SSLHandshakeException("untrusted"), new IllegalStateException("bug")}) {
            assertThat(RetryPolicy.shouldRetry(permanent, Repeatability.REPEATABLE, 1)).as(permanent.toString()).isFalse();
        }
    }

    @Test
    void aNonRepeatableOperation_isRetriedOnlyWhenTheHubProvablyDidNotAct() {
        for (Throwable notProcessed : new Throwable[]{answer(429, null), new ConnectException("refused"),
                new UnknownHostException("nowhere"), new HttpConnectTimeoutException("no connection")}) {
            assertThat(RetryPolicy.shouldRetry(notProcessed, Repeatability.NOT_REPEATABLE, 1)).as(notProcessed.toString()).isTrue();
        }
        for (Throwable maybeProcessed : new Throwable[]{hub(503001), hub(500001), answer(503, null), new EOFException("closed"),
                new IOException("reset"), new SocketTimeoutException("slow"), hub(404001)}) {
            assertThat(RetryPolicy.shouldRetry(maybeProcessed, Repeatability.NOT_REPEATABLE, 1)).as(maybeProcessed.toString()).isFalse();
        }
    }

    @Test
    void noFailureIsRetriedOnceTheAttemptsAreUsedUp() {
        assertThat(RetryPolicy.shouldRetry(answer(429, null), Repeatability.REPEATABLE, RetryPolicy.MAX_ATTEMPTS - 1)).isTrue();
        assertThat(RetryPolicy.shouldRetry(answer(429, null), Repeatability.REPEATABLE, RetryPolicy.MAX_ATTEMPTS)).isFalse();
        assertThat(RetryPolicy.shouldRetry(answer(429, null), Repeatability.NOT_REPEATABLE, RetryPolicy.MAX_ATTEMPTS)).isFalse();
    }

    @Test
    void aThrottleMetThroughTheSdk_isNeverRetried_sinceItsRetryAfterIsHidden() {
        for (Throwable sdkThrottle : new Throwable[]{hub(429001), hub(429002), hub(429), new CompletionException(hub(429001))}) {
            assertThat(RetryPolicy.shouldRetry(sdkThrottle, Repeatability.REPEATABLE, 1)).as(sdkThrottle.toString()).isFalse();
            assertThat(RetryPolicy.shouldRetry(sdkThrottle, Repeatability.NOT_REPEATABLE, 1)).as(sdkThrottle.toString()).isFalse();
        }
        assertThat(RetryPolicy.shouldRetry(hub(503001), Repeatability.REPEATABLE, 1)).isTrue();
        assertThat(RetryPolicy.shouldRetry(answer(429, Duration.ofSeconds(3)), Repeatability.REPEATABLE, 1)).isTrue();
    }

    @Test
    void transientFailures_areThrottlingServerErrorsAndBrokenConnections() {
        assertThat(HubErrorMapper.isTransient(hub(429001))).isTrue();
        assertThat(HubErrorMapper.isTransient(hub(502))).isTrue();
        assertThat(HubErrorMapper.isTransient(answer(500, null))).isTrue();
        assertThat(HubErrorMapper.isTransient(new IOException("reset"))).isTrue();
        assertThat(HubErrorMapper.isTransient(hub(400004))).isFalse();
        assertThat(HubErrorMapper.isTransient(hub(404001))).isFalse();
        assertThat(HubErrorMapper.isTransient(hub(504101))).isFalse();
        assertThat(HubErrorMapper.isTransient(answer(409, null))).isFalse();
        assertThat(HubErrorMapper.isTransient(answer(413, null))).isFalse();
        assertThat(HubErrorMapper.isTransient(new SocketTimeoutException("slow"))).isFalse();
        assertThat(HubErrorMapper.isTransient(new HttpTimeoutException("slow"))).isFalse();
        assertThat(HubErrorMapper.isTransient(new javax.net.ssl.SSLHandshakeException("untrusted"))).isFalse();
        assertThat(HubErrorMapper.isTransient(new RuntimeException("bug"))).isFalse();
    }

    @Test
    void anOutcomeIsUnknown_onlyWhenTheConnectionFailedAfterSending() {
        assertThat(RetryPolicy.outcomeUnknown(new EOFException("closed"))).isTrue();
        assertThat(RetryPolicy.outcomeUnknown(new CompletionException(new IOException("reset")))).isTrue();
        assertThat(RetryPolicy.outcomeUnknown(new ConnectException("refused"))).isFalse();
        assertThat(RetryPolicy.outcomeUnknown(new HttpConnectTimeoutException("no connection"))).isFalse();
        assertThat(RetryPolicy.outcomeUnknown(new SocketTimeoutException("slow"))).isFalse();
        assertThat(RetryPolicy.outcomeUnknown(new HttpTimeoutException("slow"))).isFalse();
        assertThat(RetryPolicy.outcomeUnknown(new javax.net.ssl.SSLHandshakeException("untrusted"))).isFalse();
        assertThat(RetryPolicy.outcomeUnknown(answer(503, null))).as("an answer is not a lost answer").isFalse();
        assertThat(RetryPolicy.outcomeUnknown(hub(500001))).isFalse();
    }

    @Test
    void theBackoffCap_doublesFrom100msTo5s() {
        assertThat(RetryPolicy.cap(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(RetryPolicy.cap(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(RetryPolicy.cap(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(RetryPolicy.cap(6)).isEqualTo(Duration.ofMillis(3200));
        assertThat(RetryPolicy.cap(7)).isEqualTo(Duration.ofSeconds(5));
        assertThat(RetryPolicy.cap(40)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theBackoff_isAFullJitterDrawUpToTheCapInclusive() {
        long[] bound = new long[1];
        Duration lowest = RetryPolicy.backoff(3, new IOException(), n -> {
            bound[0] = n;
            return 0;
        });
        Duration highest = RetryPolicy.backoff(3, new IOException(), n -> n - 1);
        assertThat(bound[0]).as("draws from [0, cap]").isEqualTo(401);
        assertThat(lowest).isEqualTo(Duration.ZERO);
        assertThat(highest).isEqualTo(Duration.ofMillis(400));
        long distinct = java.util.stream.IntStream.range(0, 200).mapToObj(i -> RetryPolicy.backoff(7, new IOException("x")))
                .peek(wait -> assertThat(wait).isBetween(Duration.ZERO, Duration.ofSeconds(5))).distinct().count();
        assertThat(distinct).as("the real draw is random, not a constant").isGreaterThan(100);
    }

    @Test
    void theBackoff_isNeverShorterThanTheHubsRetryAfter_butAJitterDrawLongerThanItWins() {
        assertThat(RetryPolicy.backoff(1, answer(429, Duration.ofSeconds(7)), n -> 50)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryPolicy.backoff(7, answer(429, Duration.ofMillis(10)), n -> 3000)).isEqualTo(Duration.ofMillis(3000));
        assertThat(RetryPolicy.backoff(1, answer(429, null), n -> 50)).isEqualTo(Duration.ofMillis(50));
    }
}
