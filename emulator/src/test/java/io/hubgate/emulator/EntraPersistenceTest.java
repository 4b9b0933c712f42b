package io.hubgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --data-dir} keeps what the local Entra generated — its signing keys (rotated ones
 * included), the federated issuer's keys, the client secrets it made up and the managed-identity
 * header — so that a client configured before a restart keeps working after it.
 */
class EntraPersistenceTest {

    private static final String IOT_HUB = "https://iothubs.azure.net";
    private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    @TempDir
    Path dataDir;

    private IotHubEmulator start(int port) {
        return TestHub.privateEmulator().dataDirectory(dataDir).port(port).build().start();
    }

    @Test
    void restartOnTheSamePort_acceptsTokensIssuedBeforeIt_includingThoseOfARotatedKey() throws Exception {
        int port = freePort();
        String beforeRotation;
        String afterRotation;
        try (IotHubEmulator first = start(port)) {
            EntraCoordinates entra = first.coordinates().entra();
            beforeRotation = entra.accessToken(DefaultDirectory.GATEWAY, IOT_HUB);
            entra.rotateSigningKey();
            afterRotation = entra.accessToken(DefaultDirectory.GATEWAY, IOT_HUB);
        }

        try (IotHubEmulator second = start(port)) {
            RawHub hub = new RawHub(second.coordinates());
            for (String token : List.of(beforeRotation, afterRotation)) {
                RawHub.Response response = hub.authorization("Bearer " + token).call("GET", "/statistics/devices", null);
                assertThat(response.status()).as(response.body()).isEqualTo(200);
            }
            String newToken = second.coordinates().entra().accessToken(DefaultDirectory.GATEWAY, IOT_HUB);
            assertThat(kid(newToken)).as("the key that signed last still signs").isEqualTo(kid(afterRotation));
        }
    }

    @Test
    void restart_keepsGeneratedClientSecretsAndTheManagedIdentityHeader() throws Exception {
        Map<String, String> secrets;
        String identityHeader;
        try (IotHubEmulator first = start(0)) {
            secrets = secretsByName(first.coordinates().entra());
            identityHeader = first.coordinates().entra().identityHeader();
        }

        try (IotHubEmulator second = start(0)) {
            EntraCoordinates entra = second.coordinates().entra();
            assertThat(secretsByName(entra)).isEqualTo(secrets);
            assertThat(entra.identityHeader()).isEqualTo(identityHeader);
            JsonNode token = post(second.coordinates(), entra.tokenEndpoint(), Map.of("grant_type", "client_credentials",
                    "client_id", entra.application(DefaultDirectory.GATEWAY).clientId(),
                    "client_secret", secrets.get(DefaultDirectory.GATEWAY), "scope", IOT_HUB + "/.default"));
            assertThat(token.has("access_token")).as(token.toString()).isTrue();
        }
    }

    @Test
    void restart_keepsTheFederatedIssuersKeys_soAProjectedTokenStillExchanges() throws Exception {
        String federated;
        try (IotHubEmulator first = start(0)) {
            federated = first.coordinates().entra().federatedToken(DefaultDirectory.GATEWAY_WORKLOAD_SUBJECT);
        }

        try (IotHubEmulator second = start(0)) {
            EntraCoordinates entra = second.coordinates().entra();
            JsonNode token = post(second.coordinates(), entra.tokenEndpoint(), Map.of("grant_type", "client_credentials",
                    "client_id", entra.application(DefaultDirectory.GATEWAY).clientId(),
                    "client_assertion_type", JWT_BEARER, "client_assertion", federated,
                    "scope", IOT_HUB + "/.default"));
            assertThat(token.has("access_token")).as(token.toString()).isTrue();
        }
    }

    @Test
    void aConfigFilesApplicationWithoutSecrets_keepsItsGeneratedOne_andGivenSecretsStayAsGiven() throws Exception {
        Path config = Files.writeString(dataDir.resolveSibling(dataDir.getFileName() + "-entra.json"), """
                {"includeDefaults": false,
                 "applications": [{"displayName": "generated-app"}, {"displayName": "given-app", "secrets": ["given-secret"]}]}
                """);
        String generated;
        try (IotHubEmulator first = TestHub.privateEmulator().dataDirectory(dataDir).entraConfig(config).build().start()) {
            generated = first.coordinates().entra().application("generated-app").secret();
        }
        try (IotHubEmulator second = TestHub.privateEmulator().dataDirectory(dataDir).entraConfig(config).build().start()) {
            assertThat(second.coordinates().entra().application("generated-app").secret()).isEqualTo(generated);
            assertThat(second.coordinates().entra().application("given-app").secret()).isEqualTo("given-secret");
        }
    }

    @Test
    void theEntraStateFile_isReadableByTheOwnerOnly_andHoldsNoSecretInItsName() throws Exception {
        try (IotHubEmulator hub = start(0)) {
            assertThat(hub.coordinates().port()).isPositive();
        }
        Path file = dataDir.resolve("entra.json");
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrderElementsOf(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void withoutADataDirectory_secretsAndKeysAreMadeAnewAtEveryStart() {
        String secret;
        String header;
        try (IotHubEmulator first = TestHub.privateEmulator().build().start()) {
            secret = first.coordinates().entra().application(DefaultDirectory.GATEWAY).secret();
            header = first.coordinates().entra().identityHeader();
        }
        try (IotHubEmulator second = TestHub.privateEmulator().build().start()) {
            assertThat(second.coordinates().entra().application(DefaultDirectory.GATEWAY).secret()).isNotEqualTo(secret);
            assertThat(second.coordinates().entra().identityHeader()).isNotEqualTo(header);
        }
    }

    private static Map<String, String> secretsByName(EntraCoordinates entra) {
        Map<String, String> secrets = new LinkedHashMap<>();
        entra.applications().forEach(a -> secrets.put(a.displayName(), a.secret()));
        return secrets;
    }

    private static String kid(String token) throws Exception {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static JsonNode post(EmulatorCoordinates at, String url, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = HttpClient.newBuilder().sslContext(at.trustingSslContext()).build()
                .send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return Json.parse(response.body().getBytes(StandardCharsets.UTF_8));
    }
}
