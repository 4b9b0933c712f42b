package io.hubgate.server.auth;

import com.google.rpc.ErrorInfo;
import com.nimbusds.jwt.JWTClaimsSet;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.IdentityView;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bearer tokens are read strictly (one token, one spelling; one authorization header; no token
 * issued in the future), and every refusal carries an ErrorInfo a client can branch on.
 */
class StrictCallerAuthTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static EntraCoordinates entra;

    @BeforeAll
    static void prepare() {
        entra = gateway.hub().coordinates().entra();
    }

    private static String token(UnaryOperator<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        return entra.sign(change.apply(new JWTClaimsSet.Builder().issuer(entra.issuer()).audience(DefaultDirectory.API_URI)
                .subject("strict").claim("oid", "strict").claim("tid", entra.tenantId()).claim("azp", "strict-app")
                .claim("roles", List.of("Registry.Read")).issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(30))))).build());
    }

    private static StatusRuntimeException statistics(ClientInterceptor... credentials) {
        return Statuses.failureOf(() -> RegistryServiceGrpc.newBlockingStub(gateway.channelWith(credentials))
                .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()));
    }

    private static void assertUnauthenticated(StatusRuntimeException failure, String reason) {
        assertThat(failure.getStatus().getCode()).as(failure.getStatus().toString()).isEqualTo(Status.Code.UNAUTHENTICATED);
        ErrorInfo info = Statuses.errorInfo(failure);
        assertThat(info).as("UNAUTHENTICATED carries an ErrorInfo").isNotNull();
        assertThat(info.getDomain()).isEqualTo("hubgate.io");
        assertThat(info.getReason()).isEqualTo(reason);
    }

    @Test
    void theTokenAsIssued_isAccepted() {
        assertThat(RegistryServiceGrpc.newBlockingStub(gateway.channelWith(TestGateway.bearer(token(c -> c))))
                .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance())).isNotNull();
    }

    @ParameterizedTest(name = "token{0}")
    @ValueSource(strings = {"!!", "==", "$$$", " x", "\u00e9", "=", "."})
    void aValidToken_withCharactersOutsideBase64urlAppended_isRefused(String suffix) {
        assertUnauthenticated(statistics(TestGateway.header("authorization", "Bearer " + token(c -> c) + suffix)), "TOKEN_INVALID");
    }

    @ParameterizedTest(name = "{0} inside the signature")
    @ValueSource(strings = {"!!", "$$$", " ", "==", "+", "/"})
    void aValidToken_withCharactersInsertedInTheSignature_isRefused(String inserted) {
        String token = token(c -> c);
        int at = token.lastIndexOf('.') + 5;
        assertUnauthenticated(statistics(TestGateway.header("authorization",
                "Bearer " + token.substring(0, at) + inserted + token.substring(at))), "TOKEN_INVALID");
    }

    @Test
    void twoAuthorizationHeaders_garbageThenValid_areRefused() {
        Metadata two = new Metadata();
        Metadata.Key<String> key = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        two.put(key, "Bearer garbage");
        two.put(key, "Bearer " + token(c -> c));
        assertUnauthenticated(statistics(MetadataUtils.newAttachHeadersInterceptor(two)), "CREDENTIALS_AMBIGUOUS");
    }

    @Test
    void twoValidAuthorizationHeaders_areRefused() {
        Metadata two = new Metadata();
        Metadata.Key<String> key = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        two.put(key, "Bearer " + token(c -> c));
        two.put(key, "Bearer " + token(c -> c));
        assertUnauthenticated(statistics(MetadataUtils.newAttachHeadersInterceptor(two)), "CREDENTIALS_AMBIGUOUS");
    }

    @Test
    void aTokenIssuedTenYearsAhead_isRefused() {
        assertUnauthenticated(statistics(TestGateway.bearer(token(c -> c.issueTime(
                Date.from(Instant.now().plus(Duration.ofDays(3650))))))), "TOKEN_INVALID");
    }

    @Test
    void aTokenLivingACentury_isRefused_asTooLongLived() {
        StatusRuntimeException refused = statistics(TestGateway.bearer(token(c -> c.expirationTime(
                Date.from(Instant.now().plus(Duration.ofDays(36_500)))))));
        assertUnauthenticated(refused, "TOKEN_LIFETIME_TOO_LONG");
        assertThat(refused.getStatus().getDescription()).contains("24h");
    }

    @Test
    void aTokenWithoutIat_expiringMoreThanTheMaximumAhead_isRefused_andOneWithinIt_isAccepted() {
        assertUnauthenticated(statistics(TestGateway.bearer(token(c -> c.issueTime(null).notBeforeTime(null)
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(26))))))), "TOKEN_LIFETIME_TOO_LONG");
        assertThat(RegistryServiceGrpc.newBlockingStub(gateway.channelWith(TestGateway.bearer(token(c -> c.issueTime(null)
                        .notBeforeTime(null).expirationTime(Date.from(Instant.now().plus(Duration.ofHours(23))))))))
                .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance())).isNotNull();
    }

    @Test
    void aTokenIssuedWithinTheClockSkew_isAccepted() {
        assertThat(RegistryServiceGrpc.newBlockingStub(gateway.channelWith(TestGateway.bearer(token(c -> c.issueTime(
                Date.from(Instant.now().plus(Duration.ofSeconds(20))))))))
                .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance())).isNotNull();
    }

    @Test
    void bearerGluedToTheToken_isAnUnsupportedScheme() {
        assertUnauthenticated(statistics(TestGateway.header("authorization", "BearerX" + token(c -> c))), "CREDENTIALS_UNSUPPORTED");
        assertUnauthenticated(statistics(TestGateway.header("authorization", "Bearer" + token(c -> c))), "CREDENTIALS_UNSUPPORTED");
    }

    @Test
    void twoSpacesAfterBearer_isRefused() {
        assertUnauthenticated(statistics(TestGateway.header("authorization", "Bearer  " + token(c -> c))), "TOKEN_INVALID");
    }

    @Test
    void noCredential_isCredentialsMissing() {
        assertUnauthenticated(statistics(), "CREDENTIALS_MISSING");
    }

    @Test
    void anExpiredToken_isTokenExpired() {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        assertUnauthenticated(statistics(TestGateway.bearer(token(c -> c.issueTime(Date.from(past)).notBeforeTime(Date.from(past))
                .expirationTime(Date.from(past.plus(Duration.ofMinutes(30))))))), "TOKEN_EXPIRED");
    }

    @Test
    void aTokenWithABadSignature_isTokenInvalid() {
        String token = token(c -> c);
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        assertUnauthenticated(statistics(TestGateway.bearer(tampered)), "TOKEN_INVALID");
    }

    @Test
    void keysWithoutKeysRead_isPermissionDenied_withRequiredRoles() {
        String id = TestGateway.uniqueId("keys");
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
        Channel reader = gateway.channelWith(TestGateway.bearer(gateway.callerToken("reader", Set.of("Registry.Read"))));
        StatusRuntimeException denied = Statuses.failureOf(() -> RegistryServiceGrpc.newBlockingStub(reader)
                .getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build()));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        ErrorInfo info = Statuses.errorInfo(denied);
        assertThat(info.getReason()).isEqualTo("MISSING_ROLE");
        assertThat(info.getMetadataMap()).containsEntry("requiredRoles", "Keys.Read");
    }
}
