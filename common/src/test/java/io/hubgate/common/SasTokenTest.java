package io.hubgate.common;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SAS token format, checked against a token made by the Java SDK's own algorithm. */
class SasTokenTest {

    private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    @Test
    void create_thenParse_roundTrips() {
        Instant expiry = Instant.ofEpochSecond(1_800_000_000L);
        String token = SasToken.create("MyHub.Azure-Devices.net", "iothubowner", KEY, expiry);

        SasToken parsed = SasToken.parse(token);

        assertThat(token).startsWith("SharedAccessSignature sr=myhub.azure-devices.net&sig=");
        assertThat(parsed.resource()).isEqualTo("myhub.azure-devices.net");
        assertThat(parsed.expiry()).isEqualTo(expiry);
        assertThat(parsed.keyName()).isEqualTo("iothubowner");
        assertThat(parsed.signature()).isEqualTo(SasToken.sign("myhub.azure-devices.net", 1_800_000_000L, KEY));
    }

    @Test
    void signature_isHmacSha256OfResourceNewlineExpiry() {
        // Reference value computed independently: base64(HMAC-SHA256(key, "myhub.azure-devices.net\n1800000000")).
        String expected = javaxHmac("myhub.azure-devices.net\n1800000000");
        assertThat(SasToken.sign("myhub.azure-devices.net", 1_800_000_000L, KEY)).isEqualTo(expected);
    }

    private static String javaxHmac(String text) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(KEY), "HmacSHA256"));
            return java.util.Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void parse_acceptsFieldsInAnyOrder() {
        SasToken parsed = SasToken.parse("SharedAccessSignature skn=service&se=1800000000&sig=abc%3D&sr=hub.example");

        assertThat(parsed.keyName()).isEqualTo("service");
        assertThat(parsed.signature()).isEqualTo("abc=");
        assertThat(parsed.encodedResource()).isEqualTo("hub.example");
    }

    @Test
    void parse_keepsAnUnescapedPlusInTheSignature() {
        SasToken parsed = SasToken.parse("SharedAccessSignature sr=hub&sig=ab+c%2Bd%3D&se=1800000000&skn=service");

        assertThat(parsed.signature()).isEqualTo("ab+c+d=");
    }

    @Test
    void parse_refusesMissingFieldsWithoutEchoingTheToken() {
        assertThatThrownBy(() -> SasToken.parse("SharedAccessSignature sr=hub&se=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the token has no 'sig' field");
        assertThatThrownBy(() -> SasToken.parse("Bearer secret-value"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret-value");
    }

    @Test
    void create_escapesTheKeyName_soThatParseReadsItBack() {
        String token = SasToken.create("hub", "ops&admins", KEY, Instant.ofEpochSecond(1_800_000_000L));

        assertThat(token).endsWith("&skn=ops%26admins");
        assertThat(SasToken.parse(token).keyName()).isEqualTo("ops&admins");
    }

    @Test
    void toString_hidesTheSignature() {
        SasToken parsed = SasToken.parse(SasToken.create("hub", "iothubowner", KEY, Instant.ofEpochSecond(1_800_000_000L)));

        assertThat(parsed.toString()).doesNotContain(parsed.signature());
    }
}
