package io.hubgate.emulator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.json.Json;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One REST request as the handlers see it: the effective method (after
 * {@code X-HTTP-Method-Override}), decoded path segments, query parameters, headers
 * (case-insensitive) and the body.
 */
public final class HubRequest {

    private final String method;
    private final String rawPath;
    private final List<String> segments;
    private final Map<String, String> query;
    private final Map<String, String> headers;
    private final byte[] body;
    /** Set by a dropAfter fault with a latency: how long after closing the connection the request is handled. */
    private volatile long lateHandlingMs;
    /** Set by a dropAfter fault: handle the request, then close the connection unanswered. */
    private volatile boolean dropResponse;

    public HubRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        TreeMap<String, String> headerMap = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> {
            if (name != null && values != null && !values.isEmpty()) {
                headerMap.put(name, values.get(0));
            }
        });
        this.headers = headerMap;
        String override = headerMap.get("X-HTTP-Method-Override");
        // The Java SDK sends PATCH as POST + X-HTTP-Method-Override, because HttpURLConnection has no PATCH.
        this.method = "POST".equals(method) && override != null && !override.isBlank()
                ? override.trim().toUpperCase(java.util.Locale.ROOT) : method;
        this.rawPath = rawPath;
        this.segments = List.copyOf(PathDecoder.segments(rawPath));
        this.query = parseQuery(rawQuery);
        this.body = body == null ? new byte[0] : body;
    }

    public String method() {
        return method;
    }

    public String rawPath() {
        return rawPath;
    }

    public List<String> segments() {
        return segments;
    }

    /** A query parameter, or null. */
    public String queryParameter(String name) {
        return query.get(name);
    }

    /** A header (case-insensitive name), or null. */
    public String header(String name) {
        return headers.get(name);
    }

    public byte[] body() {
        return body;
    }


    /** Marks the request so that it is handled but its answer is never sent (a dropAfter fault). */
    public void dropResponseAfterHandling() {
        dropResponseAfterHandling(0);
    }

    /**
     * As {@link #dropResponseAfterHandling()}; with {@code lateHandlingMs > 0} the connection is
     * closed first and the request handled that many milliseconds later.
     */
    public void dropResponseAfterHandling(long lateHandlingMs) {
        dropResponse = true;
        this.lateHandlingMs = lateHandlingMs;
    }

    /** Milliseconds between closing the connection and handling the request (0: handle, then close). */
    public long lateHandlingMs() {
        return lateHandlingMs;
    }

    /** Whether the answer must be dropped once the request has been handled. */
    public boolean responseDropped() {
        return dropResponse;
    }

    /** The body as JSON; 400 / 400006 IotHubFormatError when it is empty or not JSON. */
    public JsonNode jsonBody() {
        if (body.length == 0) {
            throw new HubException(HubErrorCode.IOTHUB_FORMAT_ERROR, "The request body is empty; a JSON document is required");
        }
        try {
            return Json.parse(body);
        } catch (JsonProcessingException e) {
            throw new HubException(HubErrorCode.IOTHUB_FORMAT_ERROR,
                    "The request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The body as a JSON object; 400 / 400006 for anything else. */
    public ObjectNode jsonObjectBody() {
        JsonNode node = jsonBody();
        if (!node.isObject()) {
            throw new HubException(HubErrorCode.IOTHUB_FORMAT_ERROR,
                    "The request body must be a JSON object, not " + node.getNodeType());
        }
        return (ObjectNode) node;
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> parameters = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                parameters.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException malformed) {
                throw new HubException(HubErrorCode.ARGUMENT_INVALID, "The query string parameter '" + name + "' is malformed");
            }
        }
        return parameters;
    }
}
