package io.hubgate.server.support;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a real credential and counts the token requests that reach it: with azure-identity
 * against a local authority (a URL with a port, which MSAL does not cache) each one is one
 * request to the token endpoint. Optionally refuses some requests, to play an issuer outage.
 */
public final class CountingTokenCredential implements TokenCredential {

    private final TokenCredential delegate;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final List<Instant> requestTimes = new CopyOnWriteArrayList<>();
    private volatile int failFromRequest = Integer.MAX_VALUE;

    public CountingTokenCredential(TokenCredential delegate) {
        this.delegate = delegate;
    }

    /** From the {@code request}th request on (1-based), the next {@code failures} requests fail. */
    public CountingTokenCredential failing(int request, int failures) {
        failFromRequest = request;
        failuresLeft.set(failures);
        return this;
    }

    /** Requests so far, failed ones included. */
    public int requests() {
        return requests.get();
    }

    /** When each request was made, in order. */
    public List<Instant> requestTimes() {
        return List.copyOf(requestTimes);
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.defer(() -> {
            requestTimes.add(Instant.now());
            int number = requests.incrementAndGet();
            if (number >= failFromRequest && failuresLeft.getAndDecrement() > 0) {
                return Mono.error(new IllegalStateException("token endpoint unavailable (request " + number + ")"));
            }
            return delegate.getToken(request);
        });
    }
}
