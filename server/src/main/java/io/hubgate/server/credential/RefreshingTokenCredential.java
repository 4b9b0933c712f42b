package io.hubgate.server.credential;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TokenCredential} that fetches each token once and shares it: every caller, on any
 * number of threads, gets the cached token while it is valid, and the next one is fetched in
 * the background before the current one expires, so no request waits for Entra after the first.
 *
 * <p>Why: the IoT Hub SDK keeps a token cache per client that is not thread-safe (16 threads on
 * a cold client made 12–16 token requests) and asks again whenever fewer than ~10 minutes
 * remain. Handing every SDK client this credential makes those asks free.
 *
 * <p>Rules: at most one fetch per scope set is in flight (concurrent callers share it); a token
 * is refreshed {@link #DEFAULT_REFRESH_AHEAD} before expiry, or at half its lifetime if that
 * comes later (short-lived tokens); a failed background refresh is retried with backoff while
 * the current token is still valid, and only when it has expired does a caller see the failure.
 *
 * <p>Thread-safe. Close it to stop the background refreshes.
 */
public final class RefreshingTokenCredential implements TokenCredential, HubTokenStatus, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshingTokenCredential.class);

    /** Refresh this long before expiry: more than the SDK's own 9-10 minute renewal window. */
    public static final Duration DEFAULT_REFRESH_AHEAD = Duration.ofMinutes(15);
    /** First wait before retrying a failed background refresh; doubles up to {@link #MAX_RETRY_DELAY}. */
    public static final Duration FIRST_RETRY_DELAY = Duration.ofSeconds(1);
    public static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);
    /** A cached token is handed out only while it has at least this long to live. */
    public static final Duration MIN_REMAINING = Duration.ofSeconds(5);

    private final TokenCredential delegate;
    private final Clock clock;
    private final Duration refreshAhead;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong refreshes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong refreshFailures = new java.util.concurrent.atomic.AtomicLong();

    public RefreshingTokenCredential(TokenCredential delegate) {
        this(delegate, Clock.systemUTC(), DEFAULT_REFRESH_AHEAD);
    }

    public RefreshingTokenCredential(TokenCredential delegate, Clock clock, Duration refreshAhead) {
        this.delegate = Objects.requireNonNull(delegate);
        this.clock = Objects.requireNonNull(clock);
        this.refreshAhead = Objects.requireNonNull(refreshAhead);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "token-refresh");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        // suppressCancel: one caller giving up must not cancel the fetch other callers share.
        return Mono.defer(() -> Mono.fromFuture(slot(request).current(), true));
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        return slot(request).current().join();
    }

    /** How many tokens have been fetched from the delegate (for tests and metrics). */
    public long fetchCount() {
        return slots.values().stream().mapToLong(slot -> slot.fetches).sum();
    }

    /** Of the tokens held (one per scope set; the gateway uses one), the oldest's. */
    @Override
    public Instant obtainedAt() {
        return slots.values().stream().map(slot -> slot.obtainedAt).filter(Objects::nonNull).min(Instant::compareTo).orElse(null);
    }

    /** Of the tokens held, the first to expire. */
    @Override
    public Instant expiresAt() {
        return slots.values().stream().map(Slot::expiresAt).filter(Objects::nonNull).min(Instant::compareTo).orElse(null);
    }

    @Override
    public long refreshes() {
        return refreshes.get();
    }

    @Override
    public long refreshFailures() {
        return refreshFailures.get();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private Slot slot(TokenRequestContext request) {
        String key = String.join(" ", request.getScopes()) + "|" + request.getTenantId() + "|" + request.getClaims();
        return slots.computeIfAbsent(key, k -> new Slot(copy(request)));
    }

    private static TokenRequestContext copy(TokenRequestContext request) {
        return new TokenRequestContext().setScopes(request.getScopes()).setTenantId(request.getTenantId())
                .setClaims(request.getClaims()).setCaeEnabled(request.isCaeEnabled());
    }

    /** The token for one scope set and the fetch that replaces it. */
    private final class Slot {
        private final TokenRequestContext request;
        private AccessToken token;
        private CompletableFuture<AccessToken> inFlight;
        private Duration retryDelay = FIRST_RETRY_DELAY;
        /** The one pending background fetch: a new schedule replaces it, so refreshes never run in two chains. */
        private ScheduledFuture<?> next;
        private volatile long fetches;
        /** When {@link #token} was obtained (for its age). */
        private volatile Instant obtainedAt;

        Slot(TokenRequestContext request) {
            this.request = request;
        }

        /**
         * The cached token while it has more than {@link #MIN_REMAINING} to live; otherwise the
         * fetch in flight (joining it, or starting it) — falling back to the cached token if that
         * fetch fails while the token has not yet expired.
         */
        synchronized CompletableFuture<AccessToken> current() {
            Instant now = clock.instant();
            if (token != null && now.plus(MIN_REMAINING).isBefore(token.getExpiresAt().toInstant())) {
                return CompletableFuture.completedFuture(token);
            }
            AccessToken stillValid = token != null && now.isBefore(token.getExpiresAt().toInstant()) ? token : null;
            CompletableFuture<AccessToken> fetch = fetch();
            if (stillValid == null) {
                return fetch;
            }
            return fetch.handle((fresh, failure) -> {
                if (failure == null) {
                    return fresh;
                }
                if (clock.instant().isBefore(stillValid.getExpiresAt().toInstant())) {
                    return stillValid;
                }
                throw failure instanceof java.util.concurrent.CompletionException c ? c
                        : new java.util.concurrent.CompletionException(failure);
            });
        }

        private synchronized CompletableFuture<AccessToken> fetch() {
            if (inFlight != null) {
                return inFlight;
            }
            fetches++;
            // Callers get the fetch's outcome only after completed() has recorded it: a caller that
            // holds the new token finds it counted (hubgate.hub_token.*), never a moment later.
            CompletableFuture<AccessToken> settled = new CompletableFuture<>();
            inFlight = settled;
            delegate.getToken(request).toFuture().whenComplete((fresh, failure) -> {
                completed(settled, fresh, failure);
                if (failure != null) {
                    settled.completeExceptionally(failure);
                } else {
                    settled.complete(fresh);
                }
            });
            return settled;
        }

        private synchronized void completed(CompletableFuture<AccessToken> fetch, AccessToken fresh, Throwable failure) {
            if (inFlight == fetch) {
                inFlight = null;
            }
            if (failure == null && fresh != null) {
                refreshes.incrementAndGet();
                obtainedAt = clock.instant();
                token = fresh;
                retryDelay = FIRST_RETRY_DELAY;
                schedule(refreshTime(fresh));
                return;
            }
            refreshFailures.incrementAndGet();
            if (token != null && clock.instant().isBefore(token.getExpiresAt().toInstant())) {
                // The current token still works: keep serving it and try again soon.
                LOG.warn("Token refresh failed, retrying in {}: {}", retryDelay, describe(failure));
                schedule(clock.instant().plus(retryDelay));
                retryDelay = retryDelay.multipliedBy(2).compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : retryDelay.multipliedBy(2);
            }
        }

        synchronized Instant expiresAt() {
            return token == null ? null : token.getExpiresAt().toInstant();
        }

        private Instant refreshTime(AccessToken fresh) {
            Instant now = clock.instant();
            Instant expiry = fresh.getExpiresAt().toInstant();
            Instant aheadOfExpiry = expiry.minus(refreshAhead);
            Instant halfLife = now.plus(Duration.between(now, expiry).dividedBy(2));
            return aheadOfExpiry.isAfter(halfLife) ? aheadOfExpiry : halfLife;
        }

        private synchronized void schedule(Instant when) {
            long delayMillis = Math.max(0, Duration.between(clock.instant(), when).toMillis());
            if (next != null) {
                next.cancel(false);
            }
            if (!scheduler.isShutdown()) {
                next = scheduler.schedule(this::fetch, delayMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** A failure's class and message, which for azure-identity never hold the secret. */
    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause == null ? "no token returned" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
