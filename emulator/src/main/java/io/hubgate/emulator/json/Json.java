package io.hubgate.emulator.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The emulator's one JSON mapper. ObjectMapper is thread-safe once configured, and building one
 * is expensive, so every class shares this instance instead of making its own.
 */
public final class Json {

    /** Nesting the parser accepts before it gives up; twins allow 10 levels, the rest is envelope. */
    private static final int MAX_PARSE_DEPTH = 64;

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            // Floats stay exact: twin values are echoed back as they were written.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_PARSE_DEPTH).build());
    }

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses a request body; throws {@link JsonProcessingException} on anything that is not one JSON value. */
    public static JsonNode parse(byte[] body) throws JsonProcessingException {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new JsonProcessingException("the request body is empty") { };
            }
            return node;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (java.io.IOException e) {
            // readTree(byte[]) only does I/O on the array; any IOException is a malformed document.
            throw new JsonProcessingException(e.getMessage()) { };
        }
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JsonNode tree always serializes", e);
        }
    }

    public static String text(JsonNode node) {
        return new String(bytes(node), java.nio.charset.StandardCharsets.UTF_8);
    }
}
