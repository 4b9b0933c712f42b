package io.hubgate.server.credential;

import java.time.Instant;

/**
 * What a hub credential tells its operator about the token it hands out (the metrics
 * {@code hubgate.hub_token.*}): when that token was obtained and when it expires, and how many
 * refreshes worked and failed. Never the token itself. Implementations are thread-safe.
 */
public interface HubTokenStatus {

    /** When the token being handed out was obtained; null before the first. */
    Instant obtainedAt();

    /** When the token being handed out expires; null before the first. */
    Instant expiresAt();

    /** Tokens obtained so far (the first included). */
    long refreshes();

    /** Attempts to obtain a token that failed. */
    long refreshFailures();
}
