package io.hubgate.emulator.entra;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.TestClientCertificate;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local Entra's HTTP endpoints over HTTPS: token requests and Entra's error bodies, the
 * shape of issued tokens, OpenID metadata and JWKS, key rotation, and the managed-identity endpoint.
 */
class TokenEndpointTest {

    private static final String IOT_HUB_SCOPE = "https://iothubs.azure.net/.default";
    private final EmulatorCoordinates hub = TestHub.coordinates();
    private final HttpClient http = HttpClient.newBuilder().sslContext(hub.trustingSslContext()).build();

    private record Answer(int status, JsonNode json, String body, Map<String, List<String>> headers) {
    }

    private Answer post(String url, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return answer(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private Answer get(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        headers.forEach(request::header);
        return answer(request.build());
    }

    private Answer answer(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), Json.parse(response.body().getBytes(StandardCharsets.UTF_8)), response.body(),
                response.headers().map());
    }

    private Map<String, String> secretForm(String application, String secret, String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", hub.entra().application(application).clientId());
        form.put("client_secret", secret);
        form.put("scope", scope);
        return form;
    }

    private static void assertEntraError(Answer answer, int status, String error, int code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.json().get("error").asText()).isEqualTo(error);
        assertThat(answer.json().get("error_description").asText()).startsWith("AADSTS" + code + ": ").contains("Trace ID: ");
        assertThat(answer.json().get("error_codes").get(0).asInt()).isEqualTo(code);
        assertThat(answer.json().has("timestamp")).isTrue();
        assertThat(answer.json().has("trace_id")).isTrue();
        assertThat(answer.json().has("correlation_id")).isTrue();
    }

    @Test
    void aClientSecretGrant_returnsABearerTokenWithEntraClaims() throws Exception {
        String secret = hub.entra().application(DefaultDirectory.GATEWAY).secret();
        Answer answer = post(hub.entra().tokenEndpoint(), secretForm(DefaultDirectory.GATEWAY, secret, IOT_HUB_SCOPE));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("token_type").asText()).isEqualTo("Bearer");
        assertThat(answer.json().get("expires_in").asLong()).isEqualTo(TokenIssuer.DEFAULT_LIFETIME.toSeconds());
        assertThat(answer.json().get("ext_expires_in").asLong()).isEqualTo(TokenIssuer.DEFAULT_LIFETIME.toSeconds());
        SignedJWT jwt = SignedJWT.parse(answer.json().get("access_token").asText());
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
        assertThat(jwt.getHeader().getKeyID()).isNotBlank();
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        EntraCoordinates.ClientCredentials gateway = hub.entra().application(DefaultDirectory.GATEWAY);
        assertThat(claims.getIssuer()).isEqualTo(hub.entra().authorityHost() + "/" + hub.entra().tenantId() + "/v2.0");
        assertThat(claims.getAudience()).containsExactly("https://iothubs.azure.net");
        assertThat(claims.getStringClaim("tid")).isEqualTo(hub.entra().tenantId());
        assertThat(claims.getStringClaim("oid")).isEqualTo(gateway.objectId());
        assertThat(claims.getSubject()).isEqualTo(gateway.objectId());
        assertThat(claims.getStringClaim("appid")).isEqualTo(gateway.clientId());
        assertThat(claims.getStringClaim("azp")).isEqualTo(gateway.clientId());
        assertThat(claims.getStringClaim("ver")).isEqualTo("2.0");
        assertThat(claims.getStringClaim("uti")).isEqualTo(claims.getJWTID()).isNotBlank();
        assertThat(claims.getClaim("roles")).isNull();
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                .isEqualTo(TokenIssuer.DEFAULT_LIFETIME.plus(TokenIssuer.BACKDATE));
    }

    @Test
    void aTokenForTheHubgateApi_carriesTheAppRolesAssignedToTheCaller() throws Exception {
        String secret = hub.entra().application(DefaultDirectory.READER).secret();
        Answer answer = post(hub.entra().tokenEndpoint(), secretForm(DefaultDirectory.READER, secret, "api://hubgate/.default"));

        JWTClaimsSet claims = SignedJWT.parse(answer.json().get("access_token").asText()).getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly("api://hubgate");
        assertThat(claims.getStringListClaim("roles")).containsExactlyInAnyOrder("Registry.Read", "Twin.Read");
    }

    @Test
    void aWrongSecret_isInvalidClient7000215_withoutEchoingTheSecret() throws Exception {
        String wrong = "this-is-not-the-secret-" + UUID.randomUUID();
        Answer answer = post(hub.entra().tokenEndpoint(), secretForm(DefaultDirectory.GATEWAY, wrong, IOT_HUB_SCOPE));

        assertEntraError(answer, 401, "invalid_client", 7000215);
        assertThat(answer.body()).doesNotContain(wrong).doesNotContain(hub.entra().application(DefaultDirectory.GATEWAY).secret());
    }

    @Test
    void anUnknownClient_isUnauthorizedClient700016() throws Exception {
        Map<String, String> form = secretForm(DefaultDirectory.GATEWAY, "whatever", IOT_HUB_SCOPE);
        form.put("client_id", UUID.randomUUID().toString());

        assertEntraError(post(hub.entra().tokenEndpoint(), form), 400, "unauthorized_client", 700016);
    }

    @Test
    void aScopeWithoutDefault_isInvalidScope70011_andAnUnknownResource_isInvalidResource() throws Exception {
        String secret = hub.entra().application(DefaultDirectory.GATEWAY).secret();

        assertEntraError(post(hub.entra().tokenEndpoint(), secretForm(DefaultDirectory.GATEWAY, secret, "https://iothubs.azure.net/Twin.Read")),
                400, "invalid_scope", 70011);
        assertEntraError(post(hub.entra().tokenEndpoint(), secretForm(DefaultDirectory.GATEWAY, secret, "api://nobody/.default")),
                400, "invalid_resource", 500011);
    }

    @Test
    void aMissingClientIdOrGrantType_isInvalidRequest() throws Exception {
        Map<String, String> form = secretForm(DefaultDirectory.GATEWAY, "x", IOT_HUB_SCOPE);
        form.remove("client_id");
        assertEntraError(post(hub.entra().tokenEndpoint(), form), 400, "invalid_request", 900144);

        Map<String, String> password = secretForm(DefaultDirectory.GATEWAY, "x", IOT_HUB_SCOPE);
        password.put("grant_type", "password");
        assertEntraError(post(hub.entra().tokenEndpoint(), password), 400, "unsupported_grant_type", 70003);
    }

    @Test
    void aGarbageAssertion_isInvalidClient50027() throws Exception {
        Map<String, String> form = secretForm(DefaultDirectory.GATEWAY, "x", IOT_HUB_SCOPE);
        form.remove("client_secret");
        form.put("client_assertion_type", ClientAuthenticator.JWT_BEARER);
        form.put("client_assertion", "garbage.garbage.garbage");

        assertEntraError(post(hub.entra().tokenEndpoint(), form), 401, "invalid_client", 50027);
    }

    @Test
    void anAssertionSignedWithAnUnregisteredCertificate_isInvalidClient700027() throws Exception {
        TestClientCertificate stranger = TestClientCertificate.generate("stranger");
        String clientId = hub.entra().application(DefaultDirectory.GATEWAY).clientId();
        Instant now = Instant.now();
        SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(),
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(hub.entra().tokenEndpoint())
                        .jwtID(UUID.randomUUID().toString()).notBeforeTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(600))).build());
        assertion.sign(new RSASSASigner(stranger.keys().getPrivate()));
        Map<String, String> form = secretForm(DefaultDirectory.GATEWAY, "x", IOT_HUB_SCOPE);
        form.remove("client_secret");
        form.put("client_assertion_type", ClientAuthenticator.JWT_BEARER);
        form.put("client_assertion", assertion.serialize());

        Answer answer = post(hub.entra().tokenEndpoint(), form);

        assertEntraError(answer, 401, "invalid_client", 700027);
        assertThat(answer.body()).doesNotContain(assertion.getSignature().toString());
    }

    @Test
    void aFederatedTokenForAnotherSubject_isInvalidClient700213() throws Exception {
        Map<String, String> form = secretForm(DefaultDirectory.GATEWAY, "x", IOT_HUB_SCOPE);
        form.remove("client_secret");
        form.put("client_assertion_type", ClientAuthenticator.JWT_BEARER);
        form.put("client_assertion", hub.entra().federatedToken("system:serviceaccount:other:intruder"));

        assertEntraError(post(hub.entra().tokenEndpoint(), form), 401, "invalid_client", 700213);
    }

    @Test
    void openIdMetadata_agreesWithTheTokensAndTheJwks() throws Exception {
        JsonNode metadata = get(hub.entra().openIdConfigurationUrl(), Map.of()).json();
        String token = hub.entra().accessToken(DefaultDirectory.GATEWAY, "https://iothubs.azure.net");
        SignedJWT jwt = SignedJWT.parse(token);

        assertThat(metadata.get("issuer").asText()).isEqualTo(jwt.getJWTClaimsSet().getIssuer());
        assertThat(metadata.get("token_endpoint").asText()).isEqualTo(hub.entra().tokenEndpoint());
        assertThat(metadata.get("id_token_signing_alg_values_supported").get(0).asText()).isEqualTo("RS256");
        JsonNode keys = get(metadata.get("jwks_uri").asText(), Map.of()).json().get("keys");
        assertThat(keys.findValuesAsText("kid")).contains(jwt.getHeader().getKeyID());
        assertThat(keys.findValues("d")).as("no private parts").isEmpty();
        assertThat(keys.get(0).get("kty").asText()).isEqualTo("RSA");
    }

    @Test
    void openIdMetadata_hasTheEndpointsMsalPythonAndNodeRequire_andTheInteractiveOnesExplainThemselves() throws Exception {
        JsonNode metadata = get(hub.entra().openIdConfigurationUrl(), Map.of()).json();
        String tenantBase = hub.entra().authorityHost() + "/" + hub.entra().tenantId();

        // MSAL Python reads authorization_endpoint and token_endpoint (a KeyError fails every
        // confidential client); MSAL Node wants authorization_endpoint, token_endpoint, issuer and jwks_uri.
        assertThat(metadata.get("authorization_endpoint").asText()).isEqualTo(tenantBase + "/oauth2/v2.0/authorize");
        assertThat(metadata.get("device_authorization_endpoint").asText()).isEqualTo(tenantBase + "/oauth2/v2.0/devicecode");
        assertThat(metadata.get("end_session_endpoint").asText()).isEqualTo(tenantBase + "/oauth2/v2.0/logout");
        for (String required : List.of("issuer", "token_endpoint", "jwks_uri", "response_types_supported",
                "subject_types_supported", "id_token_signing_alg_values_supported")) {
            assertThat(metadata.has(required)).as(required).isTrue();
        }
        for (String interactive : List.of("authorization_endpoint", "device_authorization_endpoint", "end_session_endpoint")) {
            Answer answer = get(metadata.get(interactive).asText(), Map.of());
            assertThat(answer.status()).as(interactive).isEqualTo(400);
            assertThat(answer.json().get("error").asText()).isEqualTo("unsupported_response_type");
            assertThat(answer.json().get("error_description").asText()).contains("client credentials");
        }
    }

    @Test
    void afterRotation_newTokensCarryTheNewKid_andOldTokensStillWork() throws Exception {
        try (IotHubEmulator emulator = TestHub.privateEmulator().build().start()) {
            EmulatorCoordinates privateHub = emulator.coordinates();
            String before = privateHub.entra().accessToken(DefaultDirectory.GATEWAY, "https://iothubs.azure.net");
            String oldKid = SignedJWT.parse(before).getHeader().getKeyID();

            RawHub.Response rotated = new RawHub(privateHub).send("POST", "/_emulator/entra/keys/rotate", "{}", Map.of());
            String after = privateHub.entra().accessToken(DefaultDirectory.GATEWAY, "https://iothubs.azure.net");

            assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
            String newKid = rotated.json().get("kid").asText();
            assertThat(newKid).isNotEqualTo(oldKid);
            assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(newKid);
            JsonNode keys = new RawHub(privateHub).send("GET", "/" + privateHub.entra().tenantId() + "/discovery/v2.0/keys", null, Map.of())
                    .json().get("keys");
            assertThat(keys.findValuesAsText("kid")).containsExactlyInAnyOrder(oldKid, newKid);
            for (String token : List.of(before, after)) {
                assertThat(new RawHub(privateHub).authorization("Bearer " + token).call("GET", "/devices", null).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void theManagedIdentityEndpoint_answersInAppServiceForm_andWantsItsHeader() throws Exception {
        String url = hub.entra().managedIdentityEndpoint() + "?api-version=2019-08-01&resource=https%3A%2F%2Fiothubs.azure.net";

        Answer refused = get(url, Map.of("X-IDENTITY-HEADER", "wrong"));
        Answer answer = get(url, Map.of("X-IDENTITY-HEADER", hub.entra().identityHeader()));

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).doesNotContain(hub.entra().identityHeader());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("token_type").asText()).isEqualTo("Bearer");
        assertThat(answer.json().get("resource").asText()).isEqualTo("https://iothubs.azure.net");
        assertThat(answer.json().get("client_id").asText()).isEqualTo(DefaultDirectory.clientIdOf(DefaultDirectory.SYSTEM_IDENTITY));
        long expiresOn = Long.parseLong(answer.json().get("expires_on").asText());
        assertThat(expiresOn - Instant.now().getEpochSecond()).isBetween(3600L, 5400L);
        assertThat(SignedJWT.parse(answer.json().get("access_token").asText()).getJWTClaimsSet().getStringClaim("oid"))
                .isEqualTo(DefaultDirectory.objectIdOf(DefaultDirectory.SYSTEM_IDENTITY));
    }

    @Test
    void theControlSurface_mintsTokensForAppsAndManagedIdentities() {
        RawHub owner = new RawHub(hub);

        RawHub.Response app = owner.send("POST", "/_emulator/entra/tokens",
                "{\"clientId\":\"" + DefaultDirectory.TWIN + "\",\"scope\":\"api://hubgate/.default\",\"lifetimeSeconds\":120}", Map.of());
        RawHub.Response identity = owner.send("POST", "/_emulator/entra/tokens",
                "{\"managedIdentity\":\"system\",\"resource\":\"https://iothubs.azure.net\"}", Map.of());
        RawHub.Response unknown = owner.send("POST", "/_emulator/entra/tokens",
                "{\"clientId\":\"nobody\",\"scope\":\"api://hubgate/.default\"}", Map.of());

        assertThat(app.status()).as(app.body()).isEqualTo(200);
        assertThat(app.json().get("expires_in").asLong()).isEqualTo(120);
        assertThat(identity.status()).as(identity.body()).isEqualTo(200);
        assertThat(new RawHub(hub).authorization("Bearer " + identity.json().get("access_token").asText())
                .call("GET", "/devices", null).status()).isEqualTo(200);
        assertThat(unknown.status()).isEqualTo(400);
    }
}
