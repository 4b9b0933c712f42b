package io.hubgate.common;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache serves a token only before its exp, by exact text, within its bound; time is moved, not waited for. */
class TokenCacheTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final InstantSource time = now::get;

    private record Verified(String subject, Instant exp) {
    }

    private TokenCache<Verified> cache(int maxEntries) {
        return new TokenCache<>(time, maxEntries, Verified::exp);
    }

    @Test
    void anEntry_isServedUntilJustBeforeItsExp_andNotAtIt() {
        TokenCache<Verified> cache = cache(16);
        Verified verified = new Verified("a", T0.plusSeconds(600));
        cache.put("token-a", verified);

        now.set(T0.plusSeconds(600).minusNanos(1));
        assertThat(cache.get("token-a")).isSameAs(verified);

        now.set(T0.plusSeconds(600));
        assertThat(cache.get("token-a")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aTokenWhoseExpHasPassed_isNotKept() {
        TokenCache<Verified> cache = cache(16);
        cache.put("late", new Verified("a", T0));
        cache.put("later", new Verified("a", T0.minusSeconds(1)));

        assertThat(cache.get("late")).isNull();
        assertThat(cache.get("later")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void onlyTheExactText_isServed() {
        TokenCache<Verified> cache = cache(16);
        cache.put("header.payload.signature", new Verified("a", T0.plusSeconds(60)));

        assertThat(cache.get("header.payload.signaturE")).isNull();
        assertThat(cache.get("header.payload.signature ")).isNull();
        assertThat(cache.get("header.payload.signature")).isNotNull();
    }

    @Test
    void eachEntry_expiresOnItsOwnTime() {
        TokenCache<Verified> cache = cache(16);
        cache.put("short", new Verified("a", T0.plusSeconds(10)));
        cache.put("long", new Verified("b", T0.plusSeconds(3600)));

        now.set(T0.plusSeconds(10));
        assertThat(cache.get("short")).isNull();
        assertThat(cache.get("long")).isNotNull();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void aTokenValidForMillennia_isKeptWithoutOverflow() {
        TokenCache<Verified> cache = cache(16);
        cache.put("forever", new Verified("a", Instant.parse("9999-12-31T23:59:59Z")));

        now.set(T0.plusSeconds(86_400L * 365 * 100));
        assertThat(cache.get("forever")).isNotNull();
    }

    @Test
    void remove_forgetsOnlyTheSameValue() {
        TokenCache<Verified> cache = cache(16);
        Verified first = new Verified("a", T0.plusSeconds(60));
        cache.put("token", first);

        cache.remove("token", new Verified("b", T0.plusSeconds(60)));
        assertThat(cache.get("token")).isSameAs(first);

        cache.remove("token", first);
        assertThat(cache.get("token")).isNull();
    }

    @Test
    void theCacheIsBounded() {
        TokenCache<Verified> cache = cache(3);
        for (int i = 0; i < 50; i++) {
            cache.put("token-" + i, new Verified("s" + i, T0.plusSeconds(60)));
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
    }
}
