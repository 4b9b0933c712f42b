package io.hubgate.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Connection strings are read as the SDKs read them and never show their key in a message. */
class ConnectionStringTest {

    private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    @Test
    void parse_readsNamesInAnyCaseAndOrder_andTrimsValues() {
        ConnectionString parsed = ConnectionString.parse(
                " sharedaccesskey = " + KEY + " ;SHAREDACCESSKEYNAME=iothubowner;HostName= myhub.azure-devices.net ");

        assertThat(parsed).isEqualTo(new ConnectionString("myhub.azure-devices.net", "iothubowner", KEY));
        assertThat(parsed.isComplete()).isTrue();
    }

    @Test
    void parse_keepsTheKeysBase64Padding() {
        assertThat(ConnectionString.parse("HostName=h;SharedAccessKeyName=p;SharedAccessKey=" + KEY).sharedAccessKey())
                .isEqualTo(KEY);
    }

    @Test
    void parse_leavesMissingPartsNull_andSkipsUnknownOrMalformedOnes() {
        ConnectionString parsed = ConnectionString.parse("HostName=h.azure-devices.net;DeviceId=d1;=x;junk;;");

        assertThat(parsed.hostName()).isEqualTo("h.azure-devices.net");
        assertThat(parsed.sharedAccessKeyName()).isNull();
        assertThat(parsed.sharedAccessKey()).isNull();
        assertThat(parsed.isComplete()).isFalse();
    }

    @Test
    void text_isTheConnectionString_andParsesBackToTheSameParts() {
        ConnectionString written = new ConnectionString("127.0.0.1:8443", "iothubowner", KEY);

        assertThat(written.text()).isEqualTo("HostName=127.0.0.1:8443;SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY);
        assertThat(ConnectionString.parse(written.text())).isEqualTo(written);
    }

    @Test
    void toString_neverShowsTheKey() {
        assertThat(ConnectionString.parse("HostName=h;SharedAccessKeyName=p;SharedAccessKey=" + KEY).toString())
                .doesNotContain(KEY).contains("h", "p");
    }

    @Test
    void missingParts_namesEachAbsentOrEmptyField_inTheConnectionStringsOrder() {
        assertThat(ConnectionString.parse("HostName=h;SharedAccessKeyName=p;SharedAccessKey=k").missingParts()).isEmpty();
        assertThat(ConnectionString.parse("HostName=h;SharedAccessKeyName=p").missingParts()).containsExactly("SharedAccessKey");
        assertThat(ConnectionString.parse("SharedAccessKey=k;HostName= ").missingParts())
                .containsExactly("HostName", "SharedAccessKeyName");
    }
}
