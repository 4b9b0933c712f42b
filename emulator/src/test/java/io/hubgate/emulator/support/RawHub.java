package io.hubgate.emulator.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.json.Json;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Plain HTTPS requests to an emulator, for what the Java SDK never sends (quoted If-Match,
 * percent-encoded ids, bulk, malformed bodies) and what other SDKs do.
 */
public final class RawHub {

    private static final String NAMED_PREFIX = "ErrorCode:";

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

        /**
         * The six-digit IoT Hub error code, from either form of the error body: the JSON form's
         * {@code errorCode}, or the code of the named form's {@code ErrorCode:<Name>}.
         */
        public int errorCode() {
            String message = messageField();
            if (message.startsWith(NAMED_PREFIX)) {
                String name = message.substring(NAMED_PREFIX.length(), message.indexOf(';'));
                return java.util.Arrays.stream(HubErrorCode.values()).filter(code -> code.errorName().equals(name))
                        .findFirst().orElseThrow(() -> new AssertionError("no such IoT Hub error name: " + body))
                        .code();
            }
            return jsonErrorForm(message).get("errorCode").intValue();
        }

        /** The hub's sentence: the named form's second field, or the JSON form's {@code message}. */
        public String errorMessage() {
            String message = messageField();
            if (message.startsWith(NAMED_PREFIX)) {
                return message.substring(message.indexOf(';') + 1);
            }
            return jsonErrorForm(message).get("message").textValue();
        }

        private String messageField() {
            JsonNode message = json().get("Message");
            if (message == null || !message.isTextual()) {
                throw new AssertionError("not an IoT Hub error body: " + body);
            }
            return message.textValue();
        }

        /** The JSON form {@code {"errorCode":…,"message":…}} that the body's Message holds (direct methods). */
        private JsonNode jsonErrorForm(String message) {
            try {
                return Json.parse(message.getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
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

    /**
     * Sends a request line exactly as written over a fresh TLS socket, for targets that
     * {@link URI} refuses to build (a malformed percent escape). No body; the connection closes
     * after the answer, so the body is whatever follows the headers.
     */
    public Response sendRequestLine(String method, String rawTarget) {
        try (SSLSocket socket = (SSLSocket) hub.trustingSslContext().getSocketFactory().createSocket(hub.host(), hub.port())) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method).append(' ').append(rawTarget).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(hub.hostWithPort()).append("\r\n")
                    .append("Connection: close\r\n");
            if (authorization != null) {
                head.append("Authorization: ").append(authorization).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return parseResponse(socket.getInputStream());
        } catch (IOException e) {
            throw new AssertionError(method + " " + rawTarget + " failed: " + e, e);
        }
    }

    private static Response parseResponse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 4);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Response(status, headers, body);
    }
}
