package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a paged query left off, carried by the client between pages so the executor keeps no
 * state. On the wire it is URL-safe base64 of a small JSON object: the query's fingerprint
 * ({@code q}), the key of the last row returned ({@code k}, row queries only) and the number of
 * items returned so far ({@code n}: the TOP budget used, and the offset for aggregate queries).
 * It is opaque to clients and not tamper-proof; a forged token can only skip or repeat results.
 *
 * @param afterKey key of the last row returned; null for aggregate queries
 * @param returned items returned on earlier pages
 */
record ContinuationToken(String afterKey, long returned) {

    /** Far longer than any token this class issues (keys are ids of at most a few hundred characters). */
    private static final int MAX_LENGTH = 4096;

    private static final ObjectMapper JSON = new ObjectMapper();

    String encode(TwinQuery query) {
        ObjectNode body = JSON.createObjectNode();
        body.put("q", query.fingerprint());
        if (afterKey != null) {
            body.put("k", afterKey);
        }
        body.put("n", returned);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Reads a token issued for {@code query}.
     *
     * @return null for a null or empty token (the first page)
     * @throws QueryException if the token is malformed or was issued for another query
     */
    static ContinuationToken decode(String token, TwinQuery query) throws QueryException {
        if (token == null || token.isEmpty()) {
            return null;
        }
        JsonNode body = parse(token);
        JsonNode fingerprint = body.get("q");
        JsonNode key = body.get("k");
        JsonNode returned = body.get("n");
        if (fingerprint == null || !fingerprint.isTextual() || returned == null || !returned.canConvertToLong()
                || !returned.isIntegralNumber() || returned.longValue() < 0 || (key != null && !key.isTextual())) {
            throw malformed();
        }
        if (!fingerprint.textValue().equals(query.fingerprint())) {
            throw new QueryException("The continuation token does not belong to this query");
        }
        // Row queries resume after a key; aggregate queries by offset. The other shape is forged.
        if ((key == null) != query.isAggregate()) {
            throw malformed();
        }
        return new ContinuationToken(key == null ? null : key.textValue(), returned.longValue());
    }

    private static JsonNode parse(String token) throws QueryException {
        if (token.length() > MAX_LENGTH) {
            throw malformed();
        }
        try {
            JsonNode body = JSON.readTree(Base64.getUrlDecoder().decode(token));
            if (body == null || !body.isObject()) {
                throw malformed();
            }
            return body;
        } catch (IOException | IllegalArgumentException e) {
            throw new QueryException(malformed().getMessage(), e);
        }
    }

    private static QueryException malformed() {
        return new QueryException("The continuation token is malformed");
    }
}
