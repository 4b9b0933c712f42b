package io.hubgate.emulator.entra;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import io.hubgate.emulator.support.MovableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;

/** Rotation keeps an old key published exactly as long as a token it signed can still be valid. */
class SigningKeysTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final SigningKeys keys = new SigningKeys(clock);

    private void signExpiringIn(Duration lifetime) {
        keys.sign(new JWTClaimsSet.Builder().subject("s").expirationTime(Date.from(clock.instant().plus(lifetime))).build());
    }

    private java.util.List<String> publishedKids() {
        return keys.published().getKeys().stream().map(JWK::getKeyID).toList();
    }

    @Test
    void aNewSet_generatesItsFirstKeyWhenFirstNeeded_andKeepsIt() {
        // What the keeper is told, as key ids only: a failure message never shows key material.
        java.util.List<java.util.List<String>> told = new java.util.ArrayList<>();
        SigningKeys lazy = new SigningKeys(clock, java.util.List.of(),
                kept -> told.add(kept.stream().map(key -> key.key().getKeyID()).toList()));
        assertThat(told).as("no key generated or kept before one is needed").isEmpty();

        String kid = lazy.published().getKeys().get(0).getKeyID();

        assertThat(told).containsExactly(java.util.List.of(kid));
        assertThat(lazy.currentKeyId()).isEqualTo(kid);
        assertThat(told).as("the same key from then on").hasSize(1);
    }

    @Test
    void anOldKeyStaysPublishedUntilItsLastTokenExpires_thenRetires() {
        String first = keys.currentKeyId();
        signExpiringIn(Duration.ofMinutes(75));

        String second = keys.rotate();
        clock.advance(Duration.ofMinutes(74));
        assertThat(publishedKids()).containsExactly(first, second);

        clock.advance(Duration.ofMinutes(1));
        assertThat(publishedKids()).containsExactly(second);
    }

    @Test
    void aKeyThatSignedNothing_retiresAtRotation() {
        String first = keys.currentKeyId();

        String second = keys.rotate();

        assertThat(second).isNotEqualTo(first);
        assertThat(publishedKids()).containsExactly(second);
    }

    @Test
    void theSigningKeyIsNeverRetired_evenWhenItsTokensHaveExpired() {
        signExpiringIn(Duration.ofMinutes(1));
        clock.advance(Duration.ofHours(5));

        assertThat(publishedKids()).containsExactly(keys.currentKeyId());
    }

    @Test
    void keptKeys_restoreTheSigningKeyAndItsTokensExpiry_soARotationAfterARestartRetiresItOnTime() {
        java.util.concurrent.atomic.AtomicReference<java.util.List<SigningKeys.KeptKey>> kept = new java.util.concurrent.atomic.AtomicReference<>();
        SigningKeys beforeRestart = new SigningKeys(clock, java.util.List.of(), kept::set);
        String first = beforeRestart.currentKeyId();
        beforeRestart.sign(new JWTClaimsSet.Builder().subject("s")
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(75)))).build());

        SigningKeys afterRestart = new SigningKeys(clock, kept.get(), kept::set);
        String second = afterRestart.rotate();

        assertThat(afterRestart.currentKeyId()).isEqualTo(second).isNotEqualTo(first);
        assertThat(kept.get()).extracting(k -> k.key().getKeyID()).containsExactly(first, second);
        clock.advance(Duration.ofMinutes(74));
        assertThat(afterRestart.published().getKeys()).extracting(JWK::getKeyID).containsExactly(first, second);
        clock.advance(Duration.ofMinutes(1));
        assertThat(afterRestart.published().getKeys()).extracting(JWK::getKeyID).containsExactly(second);
    }

    @Test
    void publishedKeysHoldNoPrivateParts() {
        assertThat(keys.published().getKeys()).allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
    }
}
