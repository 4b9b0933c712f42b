package io.hubgate.emulator.entra;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.emulator.http.RequestGate;
import io.hubgate.emulator.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What the issuer's HTTP endpoints share: reading a form body, admitting a token request through
 * the {@link RequestGate} (so injected faults reach token requests too), and writing JSON answers
 * and Entra's error body ({@code error}, {@code error_description} with the AADSTS prefix and
 * trace ids, {@code error_codes}, {@code timestamp}, {@code trace_id}, {@code correlation_id}).
 */
final class EntraExchange {

    /** Token requests are small forms; anything larger is refused. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final RequestGate gate;
    private final Clock clock;

    EntraExchange(RequestGate gate, Clock clock) {
        this.gate = gate;
        this.clock = clock;
    }

    /** The exchange as a request, body read. */
    HubRequest read(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw EntraError.invalidRequest(900144, "The request body is larger than " + MAX_BODY_BYTES + " bytes.");
        }
        return new HubRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
    }

    /**
     * Lets the gate delay or refuse a token request. A refusal becomes an Entra error with the
     * gate's status and headers ({@code Retry-After} stays); {@link RequestGate.DropConnection}
     * passes through, for the caller to close the exchange.
     */
    void admit(HubRequest request) {
        try {
            gate.admit(request, OperationClass.TOKEN);
        } catch (HubException refused) {
            int status = refused.errorCode().httpStatus();
            String error = status == 429 || status == 503 ? "temporarily_unavailable" : status >= 500 ? "server_error" : "invalid_request";
            int code = status == 429 ? 90055 : 90033;
            String description = status == 429
                    ? "TenantThrottlingThreshold: the number of requests sent to the tenant is over the threshold. " + refused.getMessage()
                    : "A transient error has occurred. Please try again. " + refused.getMessage();
            throw new EntraError(status, error, code, description, refused.headers());
        }
    }

    static Map<String, String> form(HubRequest request) {
        String contentType = request.header("Content-Type");
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw EntraError.invalidRequest(900144, "The request body must be application/x-www-form-urlencoded.");
        }
        Map<String, String> form = new HashMap<>();
        String text = new String(request.body(), StandardCharsets.UTF_8);
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                form.putIfAbsent(name, value);
            } catch (IllegalArgumentException malformed) {
                throw EntraError.invalidRequest(900144, "The request body is not a well-formed form.");
            }
        }
        return form;
    }

    void writeError(HttpExchange exchange, EntraError error) throws IOException {
        String traceId = UUID.randomUUID().toString();
        String correlationId = UUID.randomUUID().toString();
        String timestamp = TIMESTAMP.format(clock.instant());
        ObjectNode body = Json.object();
        body.put("error", error.error());
        String prefix = error.code() > 0 ? "AADSTS" + error.code() + ": " : "";
        body.put("error_description", prefix + error.getMessage() + " Trace ID: " + traceId + " Correlation ID: "
                + correlationId + " Timestamp: " + timestamp);
        if (error.code() > 0) {
            body.putArray("error_codes").add(error.code());
        }
        body.put("timestamp", timestamp);
        body.put("trace_id", traceId);
        body.put("correlation_id", correlationId);
        error.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        writeJson(exchange, error.status(), body);
    }

    static void writeJson(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        try (exchange) {
            byte[] bytes = Json.bytes(body);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store, no-cache");
            exchange.getResponseHeaders().set("Pragma", "no-cache");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
