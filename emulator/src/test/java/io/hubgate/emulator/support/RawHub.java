package io.hubgate.emulator.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plain HTTPS requests to an emulator, for what the Java SDK never sends (quoted If-Match,
 * percent-encoded ids, bulk, malformed bodies) and what other SDKs do.
 */
public final class RawHub {

    private final EmulatorCoordinates hub;
    private final HttpClient client;
    private String authorization;

    public RawHub(EmulatorCoordinates hub) {
        this.hub = hub;
        this.client = HttpClient.newBuilder().sslContext(hub.trustingSslContext())
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.authorization = hub.sasToken("iothubowner", Duration.ofHours(1));
    }

    /** Sends later requests with this Authorization value (null for none). */
    public RawHub authorization(String value) {
        this.authorization = value;
        return this;
    }

    /** A response: status, headers (lower-case names) and body text. */
    public record Response(int status, Map<String, String> headers, String body) {
        public JsonNode json() {
            try {
                return Json.parse(body.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** The numeric IoT Hub error code from the nested error body. */
        public int errorCode() {
            try {
                JsonNode inner = Json.parse(json().get("Message").textValue().getBytes(StandardCharsets.UTF_8));
                return inner.get("errorCode").intValue();
            } catch (IOException | NullPointerException e) {
                throw new AssertionError("not an IoT Hub error body: " + body, e);
            }
        }

        public String errorMessage() {
            try {
                return Json.parse(json().get("Message").textValue().getBytes(StandardCharsets.UTF_8)).get("message").textValue();
            } catch (IOException e) {
                throw new AssertionError("not an IoT Hub error body: " + body, e);
            }
        }
    }

    /**
     * @param pathAndQuery raw path, sent as written (add {@code api-version} yourself or use {@link #call})
     */
    public Response send(String method, String pathAndQuery, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hub.baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json; charset=utf-8");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> responseHeaders = new LinkedHashMap<>();
            response.headers().map().forEach((name, values) -> responseHeaders.put(name.toLowerCase(), values.get(0)));
            return new Response(response.statusCode(), responseHeaders, response.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + pathAndQuery + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Sends with {@code ?api-version=2021-04-12} appended to the path. */
    public Response call(String method, String path, String body) {
        return call(method, path, body, Map.of());
    }

    public Response call(String method, String path, String body, Map<String, String> headers) {
        String separator = path.contains("?") ? "&" : "?";
        return send(method, path + separator + "api-version=2021-04-12", body, headers);
    }
}
