package io.hubgate.server.service;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.AuthenticationType;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.Module;
import io.hubgate.api.v1.SymmetricKeys;
import io.hubgate.api.v1.X509Thumbprints;
import io.hubgate.server.support.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The field rules on their own, fast enough for mutation testing: each rule's boundary on both
 * sides, and the exact field each violation names. (The end-to-end tests show the same rules
 * through the gateway.)
 */
class ValidationRulesTest {

    private static List<String> fields(Validation validation) {
        try {
            validation.check();
            return List.of();
        } catch (StatusRuntimeException invalid) {
            assertThat(invalid.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Statuses.errorInfo(invalid).getReason()).isEqualTo("INVALID_REQUEST");
            return Statuses.violatedFields(invalid);
        }
    }

    private static String descriptionOf(Validation validation) {
        try {
            validation.check();
            return "";
        } catch (StatusRuntimeException invalid) {
            return invalid.getStatus().getDescription();
        }
    }

    private static String key(int bytes) {
        return Base64.getEncoder().encodeToString(new byte[bytes]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"AAAAAAAAAAE=", "MTIz", "a", "!", "~", "a*b", "W/abc"})
    void etag_likeTheGatewaysOwn_isAccepted(String etag) {
        assertThat(fields(new Validation().etag("etag", etag))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "**", " ", "a b", "a\u007f", "a\u0080", "\"a\"", "a\\b", "a\tb", "é", "\u0000"})
    void etag_thatIsAWildcardOrHasForbiddenCharacters_isRefused(String etag) {
        assertThat(fields(new Validation().etag("device.etag", etag))).containsExactly("device.etag");
    }

    @Test
    void etag_lengthBoundary_is128() {
        assertThat(fields(new Validation().etag("etag", "A".repeat(128)))).isEmpty();
        assertThat(fields(new Validation().etag("etag", "A".repeat(129)))).containsExactly("etag");
        assertThat(fields(new Validation().etag("etag", ""))).isEmpty();
        assertThat(fields(new Validation().etag("etag", null))).isEmpty();
    }

    @Test
    void etag_messages_sayWhatIsWrong() {
        assertThat(descriptionOf(new Validation().etag("etag", "*"))).contains("unconditional");
        assertThat(descriptionOf(new Validation().etag("etag", "a\nb"))).contains("U+000A").contains("position 1");
        assertThat(descriptionOf(new Validation().etag("etag", "A".repeat(200)))).contains("at most 128");
    }

    @ParameterizedTest
    @ValueSource(strings = {"reboot", "Start_Now", "a-b", "a!#%&'*+-^_`|~", "0", "Z"})
    void methodName_withinIotHubsRule_isAccepted(String name) {
        assertThat(fields(new Validation().methodName("method_name", name))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "a.b", "a b", "$edgeHub", "a/b", "a(b", "a)b", "a<b", "a>b", "a@b", "a,b", "a;b", "a:b",
            "a\\b", "a\"b", "a[b", "a]b", "a?b", "a=b", "a{b", "a}b", "a\tb", "a\rb", "é", "a\u007fb"})
    void methodName_outsideIotHubsRule_isRefused(String name) {
        assertThat(fields(new Validation().methodName("method_name", name))).containsExactly("method_name");
    }

    @Test
    void methodName_lengthBoundary_is128() {
        assertThat(fields(new Validation().methodName("m", "a".repeat(128)))).isEmpty();
        assertThat(fields(new Validation().methodName("m", "a".repeat(129)))).containsExactly("m");
        assertThat(fields(new Validation().methodName("m", null))).containsExactly("m");
        assertThat(descriptionOf(new Validation().methodName("m", "a b"))).contains("U+0020").contains("position 1");
    }

    @Test
    void ids_followIotHubsRule() {
        assertThat(fields(new Validation().id("device_id", "a".repeat(128), "device id"))).isEmpty();
        assertThat(fields(new Validation().id("device_id", "a".repeat(129), "device id"))).containsExactly("device_id");
        assertThat(fields(new Validation().id("device_id", "", "device id"))).containsExactly("device_id");
        assertThat(fields(new Validation().id("device_id", "a&b", "device id"))).containsExactly("device_id");
        assertThat(fields(new Validation().id("device_id", "..", "device id"))).containsExactly("device_id");
        assertThat(fields(new Validation().id("device_id", "zZ09-.%_*?!(),:=@$'+#;", "device id"))).isEmpty();
        assertThat(fields(new Validation().optionalModuleId("module_id", ""))).isEmpty();
        assertThat(fields(new Validation().optionalModuleId("module_id", "a b"))).containsExactly("module_id");
    }

    @Test
    void ids_andMethodNames_acceptEveryLetterAndDigit_butNotTheirNeighbours() {
        assertThat(fields(new Validation().id("id", "azAZ09", "device id"))).isEmpty();
        assertThat(fields(new Validation().methodName("m", "azAZ09"))).isEmpty();
        for (String neighbour : new String[] {"`", "{", "[", "/", "\u007f", "\u0080"}) {
            assertThat(fields(new Validation().id("id", "a" + neighbour, "device id"))).as(neighbour).containsExactly("id");
        }
        for (String neighbour : new String[] {"{", "[", "/", ":", "@", "\u007f"}) {
            assertThat(fields(new Validation().methodName("m", "a" + neighbour))).as(neighbour).containsExactly("m");
        }
        assertThat(descriptionOf(new Validation().id("id", "a\u0001", "device id"))).contains("U+0001").contains("position 1");
        assertThat(descriptionOf(new Validation().id("id", "a&", "device id"))).contains("'&'");
    }

    @Test
    void describe_quotesPrintableAsciiOnly() {
        assertThat(Validation.describe('!')).isEqualTo("'!'");
        assertThat(Validation.describe('~')).isEqualTo("'~'");
        assertThat(Validation.describe(' ')).isEqualTo("U+0020");
        assertThat(Validation.describe('\u007f')).isEqualTo("U+007F");
        assertThat(Validation.describe('é')).isEqualTo("U+00E9");
    }

    @Test
    void pageSize_isZeroOrOneToAThousand() {
        assertThat(fields(new Validation().pageSize("page_size", 0))).isEmpty();
        assertThat(fields(new Validation().pageSize("page_size", 1000))).isEmpty();
        assertThat(fields(new Validation().pageSize("page_size", 1001))).containsExactly("page_size");
        assertThat(fields(new Validation().pageSize("page_size", -1))).containsExactly("page_size");
        assertThat(Validation.effectivePageSize(0)).isEqualTo(100);
        assertThat(Validation.effectivePageSize(7)).isEqualTo(7);
    }

    @Test
    void severalViolations_areAllNamed_inOneStatus() {
        Validation validation = new Validation().id("device_id", "", "device id").etag("etag", "*").methodName("method_name", "..");
        assertThat(fields(validation)).containsExactly("device_id", "etag", "method_name");
        assertThat(descriptionOf(new Validation().id("a", "", "x").id("b", "", "y"))).startsWith("2 invalid fields: a: ");
    }

    // ---- twin properties

    private static Struct struct(String key, Value value) {
        return Struct.newBuilder().putFields(key, value).build();
    }

    private static Value text(String text) {
        return Value.newBuilder().setStringValue(text).build();
    }

    private static Value number(double number) {
        return Value.newBuilder().setNumberValue(number).build();
    }

    private static String twinDescription(Struct section) {
        Validation validation = new Validation();
        TwinChecks.section(validation, "desired", section);
        return descriptionOf(validation);
    }

    private static List<String> twinFields(Struct section) {
        Validation validation = new Validation();
        TwinChecks.section(validation, "desired", section);
        return fields(validation);
    }

    @Test
    void twinKeys_emptyDottedDollarSpacedOrControl_areRefused() {
        assertThat(twinFields(struct("", text("x")))).hasSize(1);
        assertThat(twinFields(struct("a.b", text("x")))).containsExactly("desired.a.b");
        assertThat(twinFields(struct("$x", text("x")))).containsExactly("desired.$x");
        assertThat(twinFields(struct("a b", text("x")))).containsExactly("desired.a b");
        assertThat(twinFields(struct("a\u0001b", text("x")))).containsExactly("desired[\"a\\u0001b\"]");
        assertThat(twinFields(struct("a\u0085b", text("x")))).containsExactly("desired[\"a\\u0085b\"]");
        assertThat(twinFields(struct("a\u007fb", text("x")))).containsExactly("desired[\"a\\u007Fb\"]");
        assertThat(twinFields(struct("ok_Name-1", text("x")))).isEmpty();
        assertThat(twinFields(struct("Zürich", text("x")))).isEmpty();
    }

    @Test
    void twinKeys_controlCharacterBoundaries_andTheirMessages() {
        assertThat(twinFields(struct("a\u001fb", text("x")))).hasSize(1);
        assertThat(twinFields(struct("a\u009fb", text("x")))).hasSize(1);
        assertThat(twinFields(struct("a\u00a0b~", text("x")))).containsExactly();
        assertThat(twinDescription(struct("a\u0001b", text("x")))).contains("control characters");
        assertThat(twinDescription(struct("", text("x")))).contains("cannot be empty");
        assertThat(twinDescription(struct("k".repeat(1025), text("x")))).contains("at most 1024 bytes");
        assertThat(twinDescription(struct("s", text("x".repeat(4097))))).contains("at most 4096 bytes");
    }

    @Test
    void twinPaths_quoteOnlyWhatNeedsIt() {
        assertThat(TwinChecks.child("d", "k".repeat(64))).isEqualTo("d." + "k".repeat(64));
        assertThat(TwinChecks.child("d", "k".repeat(65))).isEqualTo("d[\"" + "k".repeat(64) + "…\"]");
        assertThat(TwinChecks.child("d", "a b~\u00a0é")).isEqualTo("d.a b~\u00a0é");
        assertThat(TwinChecks.child("d", "\u001f \u009f\u00a0~\u007f\"\\[]")).isEqualTo("d[\"\\u001F \\u009F\u00a0~\\u007F\\\"\\\\[]\"]");
        assertThat(TwinChecks.child("d", "")).isEqualTo("d[\"\"]");
        assertThat(TwinChecks.child("d", "x]")).isEqualTo("d[\"x]\"]");
    }

    @Test
    void twinLists_nameEachElement() {
        Value list = Value.newBuilder().setListValue(ListValue.newBuilder().addValues(text("ok")).addValues(number(Double.NaN))
                .addValues(number(Double.NaN))).build();
        assertThat(twinFields(struct("l", list))).containsExactly("desired.l[1]", "desired.l[2]");
    }

    @Test
    void twinKeys_upTo1KB_areAccepted_longerOnesRefused_andCutInThePath() {
        assertThat(twinFields(struct("k".repeat(1024), text("x")))).isEmpty();
        List<String> refused = twinFields(struct("k".repeat(1025), text("x")));
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0)).startsWith("desired[\"kkk").endsWith("…\"]").hasSizeLessThan(80);
        assertThat(twinFields(struct("é".repeat(512), text("x")))).isEmpty();
        assertThat(twinFields(struct("é".repeat(513), text("x")))).hasSize(1);
    }

    @Test
    void twinStrings_upTo4KB_areAccepted() {
        assertThat(twinFields(struct("s", text("x".repeat(4096))))).isEmpty();
        assertThat(twinFields(struct("s", text("x".repeat(4097))))).containsExactly("desired.s");
        assertThat(twinFields(struct("s", text("é".repeat(2049))))).containsExactly("desired.s");
    }

    @Test
    void twinNumbers_mustBeFiniteAndWithinIotHubsIntegerRange() {
        assertThat(twinFields(struct("n", number(Double.NaN)))).containsExactly("desired.n");
        assertThat(twinFields(struct("n", number(Double.POSITIVE_INFINITY)))).containsExactly("desired.n");
        assertThat(twinFields(struct("n", number(4503599627370495d)))).isEmpty();
        assertThat(twinFields(struct("n", number(-4503599627370495d)))).isEmpty();
        assertThat(twinFields(struct("n", number(4503599627370496d)))).containsExactly("desired.n");
        assertThat(twinFields(struct("n", number(1e300 + 0.5)))).containsExactly("desired.n");
        assertThat(twinFields(struct("n", number(0.5)))).isEmpty();
    }

    @Test
    void twinDepth_isAtMostTen_listsCountingAsALevel() {
        Struct deep = struct("leaf", number(1));
        for (int level = 1; level <= 10; level++) {
            deep = struct("l" + level, Value.newBuilder().setStructValue(deep).build());
        }
        assertThat(twinFields(deep)).isEmpty();
        Struct deeper = struct("l11", Value.newBuilder().setStructValue(deep).build());
        assertThat(twinFields(deeper)).hasSize(1);
        Value list = Value.newBuilder().setListValue(ListValue.newBuilder().addValues(text("x".repeat(5000)))).build();
        assertThat(twinFields(struct("list", list))).containsExactly("desired.list[0]");
    }

    @Test
    void payloadNumbers_mustBeFinite_atAnyDepth() {
        Validation validation = new Validation();
        Value payload = Value.newBuilder().setStructValue(struct("a", Value.newBuilder().setListValue(ListValue.newBuilder()
                .addValues(number(1)).addValues(number(Double.NEGATIVE_INFINITY))).build())).build();
        assertThat(PayloadChecks.finiteNumbers(validation, "payload", payload)).as("all finite").isFalse();
        assertThat(fields(validation)).containsExactly("payload.a[1]");
        assertThat(PayloadChecks.finiteNumbers(new Validation(), "payload", number(Double.NaN))).isFalse();
        Validation fine = new Validation();
        Value finite = Value.newBuilder().setStructValue(struct("b", Value.newBuilder().setListValue(ListValue.newBuilder()
                .addValues(number(2)).addValues(text("x"))).build())).build();
        assertThat(PayloadChecks.finiteNumbers(fine, "payload", finite)).as("all finite").isTrue();
        assertThat(fields(fine)).isEmpty();
    }

    // ---- identities

    private static List<String> deviceFields(Device device) {
        return fields(RequestChecks.newDevice(device, "device"));
    }

    private static List<String> moduleFields(Module module) {
        return fields(RequestChecks.newModule(module, "module"));
    }

    private static Module.Builder module() {
        return Module.newBuilder().setDeviceId("d").setModuleId("m");
    }

    @Test
    void moduleCredentials_areValidated_likeADevices() {
        assertThat(moduleFields(module().build())).isEmpty();
        assertThat(moduleFields(module().setSymmetricKeys(SymmetricKeys.newBuilder().setPrimaryKey(key(32)).setSecondaryKey(key(32))).build()))
                .isEmpty();
        assertThat(moduleFields(module().setSymmetricKeys(SymmetricKeys.newBuilder().setPrimaryKey("not base64!").setSecondaryKey(key(32))).build()))
                .containsExactly("module.symmetric_keys.primary_key");
        assertThat(moduleFields(module().setSymmetricKeys(SymmetricKeys.newBuilder().setPrimaryKey(key(65)).setSecondaryKey(key(32))).build()))
                .containsExactly("module.symmetric_keys.primary_key");
        assertThat(moduleFields(module().setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED).build()))
                .containsExactly("module.x509_thumbprints.primary_thumbprint");
        assertThat(moduleFields(module().setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_NONE).build()))
                .containsExactly("module.authentication_type");
        assertThat(moduleFields(Module.newBuilder().setDeviceId("").setModuleId("a b").build()))
                .containsExactly("module.device_id", "module.module_id");
        assertThat(moduleFields(module().setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED)
                .setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint("ab".repeat(20))).build())).isEmpty();
        assertThat(moduleFields(module().setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED)
                .setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint("zz".repeat(20))).build()))
                .containsExactly("module.x509_thumbprints.primary_thumbprint");
    }

    @Test
    void keys_are16To64Bytes_ofBase64_andComeAsAPair() {
        assertThat(deviceFields(Device.newBuilder().setDeviceId("d").setSymmetricKeys(SymmetricKeys.newBuilder()
                .setPrimaryKey(key(16)).setSecondaryKey(key(64))).build())).isEmpty();
        assertThat(deviceFields(Device.newBuilder().setDeviceId("d").setSymmetricKeys(SymmetricKeys.newBuilder()
                .setPrimaryKey(key(15)).setSecondaryKey(key(65))).build()))
                .containsExactly("device.symmetric_keys.primary_key", "device.symmetric_keys.secondary_key");
        assertThat(deviceFields(Device.newBuilder().setDeviceId("d").setSymmetricKeys(SymmetricKeys.newBuilder()
                .setPrimaryKey(key(32))).build())).containsExactly("device.symmetric_keys.secondary_key");
        assertThat(deviceFields(Device.newBuilder().setDeviceId("d").setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SAS)
                .setSymmetricKeys(SymmetricKeys.newBuilder().setPrimaryKey(key(32)).setSecondaryKey(key(32))).build())).isEmpty();
        assertThat(deviceFields(Device.newBuilder().setDeviceId("d").setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_CERTIFICATE_AUTHORITY)
                .setSymmetricKeys(SymmetricKeys.newBuilder().setPrimaryKey(key(32)).setSecondaryKey(key(32))).build()))
                .containsExactly("device.symmetric_keys");
        assertThat(descriptionOf(RequestChecks.newDevice(Device.newBuilder().setDeviceId("d").setSymmetricKeys(SymmetricKeys.newBuilder()
                .setPrimaryKey(key(65)).setSecondaryKey(key(32))).build(), "device"))).contains("65 bytes").contains("16 to 64");
    }

    @Test
    void thumbprints_are40Or64HexDigits_forSelfSignedOnly() {
        Device.Builder selfSigned = Device.newBuilder().setDeviceId("d").setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED);
        assertThat(deviceFields(selfSigned.clone().setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint("aB".repeat(20))).build())).isEmpty();
        assertThat(deviceFields(selfSigned.clone().setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint("0f".repeat(32))
                .setSecondaryThumbprint("F0".repeat(20))).build())).isEmpty();
        assertThat(deviceFields(selfSigned.clone().setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint("a".repeat(39))).build()))
                .containsExactly("device.x509_thumbprints.primary_thumbprint");
        assertThat(deviceFields(selfSigned.clone().setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint("g".repeat(40))).build()))
                .containsExactly("device.x509_thumbprints.primary_thumbprint");
        assertThat(deviceFields(selfSigned.clone().setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint("a".repeat(40))
                .setSecondaryThumbprint("a".repeat(63))).build())).containsExactly("device.x509_thumbprints.secondary_thumbprint");
        assertThat(deviceFields(selfSigned.clone().setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint("/".repeat(40))).build()))
                .containsExactly("device.x509_thumbprints.primary_thumbprint");
        assertThat(deviceFields(selfSigned.clone().setX509Thumbprints(X509Thumbprints.newBuilder()
                .setPrimaryThumbprint("0123456789abcdefABCDEF0123456789abcdefAB")).build())).isEmpty();
        for (String neighbour : new String[] {"/", ":", "`", "g", "@", "G"}) {
            assertThat(deviceFields(selfSigned.clone().setX509Thumbprints(X509Thumbprints.newBuilder()
                    .setPrimaryThumbprint(neighbour + "a".repeat(39))).build())).as(neighbour)
                    .containsExactly("device.x509_thumbprints.primary_thumbprint");
        }
        assertThat(deviceFields(Device.newBuilder().setDeviceId("d").setX509Thumbprints(X509Thumbprints.newBuilder()
                .setPrimaryThumbprint("a".repeat(40))).build())).containsExactly("device.x509_thumbprints");
    }

    // ---- query text

    @Test
    void queryText_nonAsciiInLiterals_isEscaped_elsewhereRefused() {
        assertThat(QueryText.ascii("SELECT * FROM devices WHERE tags.city = 'Zürich'"))
                .isEqualTo("SELECT * FROM devices WHERE tags.city = 'Z\\u00FCrich'");
        assertThat(QueryText.ascii("SELECT * FROM devices WHERE tags.x = \"😀\"")).isEqualTo("SELECT * FROM devices WHERE tags.x = \"\\uD83D\\uDE00\"");
        String plain = "SELECT * FROM devices";
        assertThat(QueryText.ascii(plain)).isSameAs(plain);
        assertThat(QueryText.unsendable("SELECT * FROM devices WHERE tags.city = 'Zürich'")).isNull();
        assertThat(QueryText.unsendable("SELECT * FROM devices WHERE tags.a = 'it\\'s ü' AND tags.b = \"ö\"")).isNull();
        assertThat(QueryText.unsendable("SELECT * FROM devices WHERE tags.städte = 'x'")).contains("U+00E4").contains("position 35");
        assertThat(QueryText.unsendable("SELECT * FROM devices WHERE tags.a = 'x' AND tags.ä = 1")).contains("U+00E4");
        assertThat(QueryText.unsendable("SELECT * FROM devices WHERE tags.a = '\\ü'")).contains("backslash");
        assertThat(QueryText.unsendable("SELECT * FROM devices WHERE tags.a = 'x\\")).isNull();
        assertThat(QueryText.ascii("a\u007f'\u0080'")).isEqualTo("a\u007f'\\u0080'");
        assertThat(QueryText.ascii("\u00e9")).isEqualTo("\\u00E9");
        assertThat(QueryText.unsendable("SELECT \u007f FROM devices")).isNull();
        assertThat(QueryText.unsendable("SELECT \u0080 FROM devices")).contains("position 7");
        assertThat(QueryText.unsendable("'\\é'")).contains("position 2");
        assertThat(QueryText.unsendable("'\\\u007f'")).isNull();
    }

    @Test
    void queryChecks_requireSelectAndFrom_atMost8192Characters() {
        Validation ok = new Validation();
        QueryResults.checkQuery(ok, "query", "SELECT * FROM devices WHERE deviceId = '" + "q".repeat(8192 - 41) + "'");
        assertThat(fields(ok)).isEmpty();
        for (String bad : new String[] {"", " ", "SELECT", "FROM devices", "SELECT * FROM devices WHERE deviceId = '" + "q".repeat(8200) + "'",
                "SELECT * FROM devices WHERE tags.ö = 1"}) {
            Validation validation = new Validation();
            QueryResults.checkQuery(validation, "query", bad);
            assertThat(fields(validation)).as(bad.length() > 50 ? bad.substring(0, 50) : bad).containsExactly("query");
        }
        assertThat(QueryResults.selectsTwins("select top 5 * from devices")).isTrue();
        assertThat(QueryResults.selectsTwins("SELECT deviceId FROM devices")).isFalse();
    }
}
