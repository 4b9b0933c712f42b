package io.hubgate.server.observability;

import io.hubgate.server.auth.JwksRefreshes;
import io.hubgate.server.credential.HubTokenStatus;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The gateway's credentials as metrics, read at each scrape: the hub token's age and the time it
 * has left ({@code hubgate.hub_token.age}, {@code hubgate.hub_token.remaining}), its refreshes by
 * outcome ({@code hubgate.hub_token.refreshes}), and the JWKS cache's refreshes by outcome
 * ({@code hubgate.jwks.refreshes}). A token whose age keeps growing past its refresh point, or
 * whose remaining time falls towards zero, is a credential that can no longer refresh: the alert
 * an operator wants before IoT Hub starts refusing the gateway. No token or key is ever read.
 */
public final class CredentialMetrics {

    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    private static final Attributes OK = Attributes.of(OUTCOME, "ok");
    private static final Attributes FAILED = Attributes.of(OUTCOME, "failed");

    private CredentialMetrics() {
    }

    /** Registers the hub token's instruments on {@code meter}. */
    public static void observeHubToken(Meter meter, HubTokenStatus token, Clock clock) {
        meter.gaugeBuilder("hubgate.hub_token.age").setUnit("s")
                .setDescription("Time since the token the gateway sends to IoT Hub was obtained")
                .buildWithCallback(gauge -> {
                    Instant obtained = token.obtainedAt();
                    if (obtained != null) {
                        gauge.record(seconds(Duration.between(obtained, clock.instant())));
                    }
                });
        meter.gaugeBuilder("hubgate.hub_token.remaining").setUnit("s")
                .setDescription("Time until the token the gateway sends to IoT Hub expires (negative: expired)")
                .buildWithCallback(gauge -> {
                    Instant expires = token.expiresAt();
                    if (expires != null) {
                        gauge.record(seconds(Duration.between(clock.instant(), expires)));
                    }
                });
        meter.counterBuilder("hubgate.hub_token.refreshes")
                .setDescription("Attempts to obtain a token for IoT Hub, by outcome (ok, failed)")
                .buildWithCallback(counter -> {
                    counter.record(token.refreshes(), OK);
                    counter.record(token.refreshFailures(), FAILED);
                });
    }

    /** Registers the JWKS cache's refresh counter on {@code meter}. */
    public static void observeJwks(Meter meter, JwksRefreshes refreshes) {
        meter.counterBuilder("hubgate.jwks.refreshes")
                .setDescription("Refreshes of the caller token issuer's key set (JWKS), by outcome (ok, failed)")
                .buildWithCallback(counter -> {
                    counter.record(refreshes.completed(), OK);
                    counter.record(refreshes.failed(), FAILED);
                });
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
