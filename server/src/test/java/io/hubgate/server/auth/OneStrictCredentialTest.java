package io.hubgate.server.auth;

import com.google.rpc.ErrorInfo;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.server.support.RawHttp2;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call carries at most one per-call credential, in its one spelling: a key with whitespace
 * around it, a second credential beside a good one, an {@code authorization} scheme the gateway
 * does not accept and a scheme not followed by exactly one space are all refused UNAUTHENTICATED
 * with their own ErrorInfo reason, never skipped, and never with the credential in the message.
 * Through a gateway that accepts bearer tokens and API keys (and one that accepts only tokens).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneStrictCredentialTest {

    private static final String KEY = "hk_" + UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");

    private TestGateway tokensOnly;
    private TestGateway gateway;
    private String token;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tokensOnly = TestGateway.start();
        Path keys = Files.writeString(dir.resolve("api-keys.json"), """
                {"keys": [{"name": "ci-bot", "sha256": "%s", "roles": ["Registry.Read"]}]}"""
                .formatted(HexFormat.of().formatHex(ApiKeyAuthenticator.sha256(KEY))));
        gateway = tokensOnly.sibling(DefaultDirectory.GATEWAY, 8, 100, config -> config.withAuth(config.auth().withApiKeys(keys)));
        token = tokensOnly.callerToken("strict-caller", Set.of("Registry.Read"));
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
        tokensOnly.close();
    }

    private static StatusRuntimeException refusal(TestGateway at, String... headerPairs) {
        Metadata headers = new Metadata();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.put(Metadata.Key.of(headerPairs[i], Metadata.ASCII_STRING_MARSHALLER), headerPairs[i + 1]);
        }
        ClientInterceptor attach = MetadataUtils.newAttachHeadersInterceptor(headers);
        return Statuses.failureOf(() -> RegistryServiceGrpc.newBlockingStub(at.channelWith(attach))
                .withDeadlineAfter(20, TimeUnit.SECONDS).getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()));
    }

    private static void assertRefused(StatusRuntimeException failure, String reason, String... secrets) {
        assertThat(failure).as("the call was refused").isNotNull();
        assertThat(failure.getStatus().getCode()).as(failure.getStatus().toString()).isEqualTo(Status.Code.UNAUTHENTICATED);
        ErrorInfo info = Statuses.errorInfo(failure);
        assertThat(info).as("ErrorInfo").isNotNull();
        assertThat(info.getReason()).as(failure.getStatus().getDescription()).isEqualTo(reason);
        for (String secret : secrets) {
            assertThat(failure.getStatus().getDescription()).doesNotContain(secret.strip());
        }
    }

    @Test
    void theKeyAndTheTokenAsIssued_areAccepted() {
        assertThat(RegistryServiceGrpc.newBlockingStub(gateway.channelWith(TestGateway.header("x-api-key", KEY)))
                .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance())).isNotNull();
        assertThat(RegistryServiceGrpc.newBlockingStub(gateway.channelWith(TestGateway.header("authorization", "ApiKey " + KEY)))
                .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance())).isNotNull();
        assertThat(RegistryServiceGrpc.newBlockingStub(gateway.channelWith(TestGateway.bearer(token)))
                .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance())).isNotNull();
    }

    @ParameterizedTest(name = "x-api-key \"{0}\"")
    @ValueSource(strings = {"  %s  ", " %s", "%s "})
    void aKeyWithSpacesAroundIt_isRefused(String spelling) {
        assertRefused(refusal(gateway, "x-api-key", spelling.formatted(KEY)), "API_KEY_INVALID", KEY);
    }

    /**
     * grpc-java drops a header value with a tab before sending it, so these go over bare HTTP/2
     * (which carries no ErrorInfo back to this client: the message tells the refusal apart).
     */
    @ParameterizedTest(name = "{0}: \"{1}\"")
    @CsvSource(delimiter = '|', value = {"x-api-key|'%s\t'|the API key contains whitespace", "x-api-key|'\t%s'|the API key contains whitespace",
            "authorization|'ApiKey\t%s'|the authorization header must be", "authorization|'Bearer\t%s'|the authorization header must be",
            "authorization|'Bearer \t%s'|the bearer token is not a compact JWS", "authorization|'\tBearer %s'|the authorization header must be"})
    void aTabAroundACredential_isRefused(String header, String spelling, String refusal) throws Exception {
        String credential = header.equals("x-api-key") || spelling.contains("ApiKey") ? KEY : token;
        try (RawHttp2 http2 = new RawHttp2(gateway.port())) {
            RawHttp2.Answer answer = http2.post("hubgate.v1.RegistryService/GetRegistryStatistics",
                    Map.of(header, spelling.formatted(credential)), RawHttp2.frame(0, 0, new byte[0]));
            assertThat(answer.grpcStatus()).as(String.valueOf(answer)).isEqualTo(Status.Code.UNAUTHENTICATED.value());
            assertThat(answer.grpcMessage()).startsWith(refusal).doesNotContain(credential);
        }
    }

    @Test
    void theApiKeySchemeWithATrailingSpace_isRefused() {
        assertRefused(refusal(gateway, "authorization", "ApiKey " + KEY + " "), "API_KEY_INVALID", KEY);
    }

    @Test
    void aValidKey_besideAGarbageApiKeyAuthorization_isAmbiguous() {
        assertRefused(refusal(gateway, "x-api-key", KEY, "authorization", "ApiKey garbage"), "CREDENTIALS_AMBIGUOUS", KEY);
        assertRefused(refusal(gateway, "authorization", "ApiKey " + KEY, "x-api-key", "garbage"), "CREDENTIALS_AMBIGUOUS", KEY);
    }

    @Test
    void aValidKey_besideAValidToken_isAmbiguous() {
        assertRefused(refusal(gateway, "x-api-key", KEY, "authorization", "Bearer " + token), "CREDENTIALS_AMBIGUOUS", KEY, token);
    }

    @Test
    void aBasicAuthorization_besideAValidKey_isRefusedNamingTheScheme_notItsValue() {
        StatusRuntimeException refused = refusal(gateway, "x-api-key", KEY, "authorization", "Basic dXNlcjpwYXNzd29yZA==");
        assertRefused(refused, "CREDENTIALS_AMBIGUOUS", KEY, "dXNlcjpwYXNzd29yZA==");
        StatusRuntimeException alone = refusal(gateway, "authorization", "Basic dXNlcjpwYXNzd29yZA==");
        assertRefused(alone, "CREDENTIALS_UNSUPPORTED", "dXNlcjpwYXNzd29yZA==");
        assertThat(alone.getStatus().getDescription()).contains("Basic");
    }

    @Test
    void theApiKeyScheme_atAGatewayWithoutKeys_isRefusedNamingTheScheme() {
        StatusRuntimeException refused = refusal(tokensOnly, "authorization", "ApiKey " + KEY);
        assertRefused(refused, "CREDENTIALS_UNSUPPORTED", KEY);
        assertThat(refused.getStatus().getDescription()).contains("ApiKey");
        assertRefused(refusal(tokensOnly, "x-api-key", KEY), "CREDENTIALS_UNSUPPORTED", KEY);
    }

    @Test
    void anUnreadableScheme_isRefused_withoutEchoingIt() {
        StatusRuntimeException refused = refusal(gateway, "authorization", "Weird(scheme) value");
        assertRefused(refused, "CREDENTIALS_UNSUPPORTED", "Weird(scheme)");
    }

    @ParameterizedTest(name = "\"{0}<token>\"")
    @ValueSource(strings = {" Bearer ", "  Bearer "})
    void whitespaceBeforeBearer_isAnInvalidToken_notAMissingOne(String prefix) {
        assertRefused(refusal(gateway, "authorization", prefix + token), "TOKEN_INVALID", token);
    }

    /** A call with one binary ({@code -bin}) header {@code binaryName} beside the ASCII {@code headerPairs}. */
    private StatusRuntimeException refusalWithBinary(String binaryName, String binaryValue, String... headerPairs) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(binaryName, Metadata.BINARY_BYTE_MARSHALLER),
                binaryValue.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.put(Metadata.Key.of(headerPairs[i], Metadata.ASCII_STRING_MARSHALLER), headerPairs[i + 1]);
        }
        return Statuses.failureOf(() -> RegistryServiceGrpc.newBlockingStub(gateway.channelWith(MetadataUtils.newAttachHeadersInterceptor(headers)))
                .withDeadlineAfter(20, TimeUnit.SECONDS).getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()));
    }

    @Test
    void aBinaryAuthorization_alone_isRefusedAsUnsupported_namingTheHeader_notAsMissing() {
        StatusRuntimeException refused = refusalWithBinary("authorization-bin", "Bearer " + token);
        assertRefused(refused, "CREDENTIALS_UNSUPPORTED", token);
        assertThat(refused.getStatus().getDescription()).contains("authorization-bin");
    }

    @Test
    void aBinaryApiKey_alone_isRefusedAsUnsupported_namingTheHeader() {
        StatusRuntimeException refused = refusalWithBinary("x-api-key-bin", KEY);
        assertRefused(refused, "CREDENTIALS_UNSUPPORTED", KEY);
        assertThat(refused.getStatus().getDescription()).contains("x-api-key-bin");
    }

    @Test
    void aBinaryAuthorization_besideAValidKey_isAmbiguous_notIgnored() {
        assertRefused(refusalWithBinary("authorization-bin", "Bearer x", "x-api-key", KEY), "CREDENTIALS_AMBIGUOUS", KEY);
    }

    @Test
    void aBinaryApiKey_besideAValidToken_isAmbiguous_notIgnored() {
        assertRefused(refusalWithBinary("x-api-key-bin", "garbage", "authorization", "Bearer " + token),
                "CREDENTIALS_AMBIGUOUS", token);
    }
}
