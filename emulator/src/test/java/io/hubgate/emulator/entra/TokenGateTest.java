package io.hubgate.emulator.entra;

import com.sun.net.httpserver.HttpServer;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.emulator.http.RequestGate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Faults a {@link RequestGate} injects into token requests reach the client in Entra's form:
 * throttling as 429 with its Retry-After, outages with their 5xx status, a dropped connection as
 * no answer at all. Served over plain HTTP here, to test the issuer's handlers on their own.
 */
class TokenGateTest {

    private final AtomicReference<RuntimeException> fault = new AtomicReference<>();
    private final AtomicReference<OperationClass> admittedAs = new AtomicReference<>();
    private HttpServer server;
    private LocalEntra entra;

    private HttpResponse<String> requestToken() throws IOException, InterruptedException {
        if (server == null) {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            RequestGate gate = (request, operationClass) -> {
                admittedAs.set(operationClass);
                if (fault.get() != null) {
                    throw fault.get();
                }
            };
            entra = new LocalEntra(DefaultDirectory.create(), "http://127.0.0.1:" + server.getAddress().getPort(),
                    TokenIssuer.DEFAULT_LIFETIME, gate, Clock.systemUTC());
            entra.contexts().forEach(server::createContext);
            server.start();
        }
        EntraApplication gateway = entra.directory().application(DefaultDirectory.GATEWAY).orElseThrow();
        String form = "grant_type=client_credentials&client_id=" + gateway.clientId() + "&client_secret=" + gateway.secrets().get(0)
                + "&scope=https%3A%2F%2Fiothubs.azure.net%2F.default";
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                HttpRequest.newBuilder(URI.create(entra.tokenEndpoint())).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void withoutFaults_theTokenRequestIsAdmittedAsATokenOperation() throws Exception {
        HttpResponse<String> response = requestToken();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(admittedAs.get()).isEqualTo(OperationClass.TOKEN);
    }

    @Test
    void throttling_is429WithRetryAfterAndAnEntraBody() throws Exception {
        fault.set(new HubException(HubErrorCode.THROTTLING_EXCEPTION, "Throttled by fault injection", Map.of(), Map.of("Retry-After", "7")));

        HttpResponse<String> response = requestToken();

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(response.body()).contains("\"error\":\"temporarily_unavailable\"").contains("AADSTS90055");
        assertThat(response.body()).doesNotContain("access_token");
    }

    @Test
    void anOutage_keepsItsStatus() throws Exception {
        fault.set(new HubException(HubErrorCode.SERVICE_UNAVAILABLE, "Unavailable by fault injection"));
        assertThat(requestToken().statusCode()).isEqualTo(503);

        fault.set(new HubException(HubErrorCode.SERVER_ERROR, "Failed by fault injection"));
        HttpResponse<String> response = requestToken();
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("\"error\":\"server_error\"");
    }

    @Test
    void aDroppedConnection_getsNoAnswer() {
        fault.set(new RequestGate.DropConnection());

        assertThatThrownBy(this::requestToken).isInstanceOf(IOException.class);
    }
}
