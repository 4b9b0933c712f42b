package io.hubgate.server.auth;

import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.RefreshAheadCachingJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.events.Event;
import com.nimbusds.jose.util.events.EventListener;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the JWKS cache's refreshes as nimbus reports them: the ones that brought a key set
 * (the first load, an unknown {@code kid}, a refresh ahead of expiry) and the ones that failed or
 * timed out. For the metric {@code hubgate.jwks.refreshes}; it changes nothing about verification.
 * Thread-safe.
 */
public final class JwksRefreshes implements EventListener<CachingJWKSetSource<SecurityContext>, SecurityContext> {

    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    @Override
    public void notify(Event<CachingJWKSetSource<SecurityContext>, SecurityContext> event) {
        if (event instanceof CachingJWKSetSource.RefreshCompletedEvent
                || event instanceof RefreshAheadCachingJWKSetSource.ScheduledRefreshCompletedEvent) {
            completed.incrementAndGet();
        } else if (event instanceof CachingJWKSetSource.UnableToRefreshEvent
                || event instanceof CachingJWKSetSource.RefreshTimedOutEvent
                || event instanceof RefreshAheadCachingJWKSetSource.ScheduledRefreshFailed
                || event instanceof RefreshAheadCachingJWKSetSource.UnableToRefreshAheadOfExpirationEvent) {
            failed.incrementAndGet();
        }
    }

    /** Refreshes that brought a key set. */
    public long completed() {
        return completed.get();
    }

    /** Refreshes that failed or timed out. */
    public long failed() {
        return failed.get();
    }
}
