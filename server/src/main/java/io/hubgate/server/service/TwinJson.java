package io.hubgate.server.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.hubgate.api.v1.ConnectionState;
import io.hubgate.api.v1.DeviceStatus;
import io.hubgate.api.v1.Twin;
import io.hubgate.api.v1.TwinProperties;

import java.io.IOException;

/**
 * Reads a twin document as IoT Hub sends it (GetTwin, a twin write's answer, a row of
 * {@code SELECT * FROM devices}) straight into the API's {@link Twin}, in one pass over the text
 * with Jackson's streaming parser: time linear in the document's size.
 *
 * <p>Why not the SDK's {@code Twin.fromJson}: it validates the whole property collection again
 * after every key it inserts ({@code ParserUtility.validateMap}), so a twin of n keys costs O(n²):
 * 5 s of a core for 1,000 reported keys and 37 s for 6,500, measured here. A device writes its own
 * reported section (32 KB is thousands of tiny keys), so one device could make every read of its
 * twin, every query page holding it and every write's answer burn tens of seconds of the gateway.
 *
 * <p>What it keeps: the identity fields a twin carries, tags, and per section the properties (all
 * keys but {@code $metadata} and {@code $version}), the section's {@code $version}, and its
 * {@code $metadata} tree with each node's {@code $lastUpdated} (IoT Hub's text, unchanged) and
 * {@code $lastUpdatedVersion}. Unknown fields are skipped. It does not validate property names or
 * values: what IoT Hub sends is what the twin holds. Public for the benchmark's upstream-path cell,
 * which measures the controlled path as the handlers use it. Stateless.
 */
public final class TwinJson {

    private static final JsonFactory JSON = new JsonFactory();
    private static final String METADATA = "$metadata";
    private static final String VERSION = "$version";
    private static final String LAST_UPDATED = "$lastUpdated";
    private static final String LAST_UPDATED_VERSION = "$lastUpdatedVersion";

    private TwinJson() {
    }

    /**
     * The twin in {@code json}.
     *
     * @throws IllegalArgumentException when the text is not a JSON object (an answer the hub never sends)
     */
    public static Twin read(String json) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a twin is a JSON object");
            }
            return twin(parser);
        } catch (IOException unreadable) {
            throw new IllegalArgumentException("IoT Hub sent a twin that is not JSON: " + unreadable.getMessage(), unreadable);
        }
    }

    private static Twin twin(JsonParser parser) throws IOException {
        Twin.Builder twin = Twin.newBuilder();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            if (token == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (field) {
                case "deviceId" -> twin.setDeviceId(parser.getText());
                case "moduleId" -> twin.setModuleId(parser.getText());
                case "etag" -> twin.setEtag(parser.getText());
                case "version" -> twin.setVersion(parser.getValueAsLong());
                case "modelId" -> twin.setModelId(parser.getText());
                case "status" -> twin.setStatus("disabled".equalsIgnoreCase(parser.getText())
                        ? DeviceStatus.DEVICE_STATUS_DISABLED : DeviceStatus.DEVICE_STATUS_ENABLED);
                case "connectionState" -> twin.setConnectionState("connected".equalsIgnoreCase(parser.getText())
                        ? ConnectionState.CONNECTION_STATE_CONNECTED : ConnectionState.CONNECTION_STATE_DISCONNECTED);
                case "lastActivityTime" -> {
                    com.google.protobuf.Timestamp time = Timestamps.parse(parser.getText());
                    if (time != null) {
                        twin.setLastActivityTime(time);
                    }
                }
                case "capabilities" -> twin.setIotEdge(iotEdge(parser));
                case "tags" -> twin.setTags(object(parser));
                case "properties" -> properties(parser, twin);
                default -> parser.skipChildren();
            }
        }
        return twin.build();
    }

    private static boolean iotEdge(JsonParser parser) throws IOException {
        boolean edge = false;
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return false;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("iotEdge")) {
                edge = value == JsonToken.VALUE_TRUE;
            } else {
                parser.skipChildren();
            }
        }
        return edge;
    }

    private static void properties(JsonParser parser, Twin.Builder twin) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.START_OBJECT && field.equals("desired")) {
                twin.setDesired(section(parser));
            } else if (value == JsonToken.START_OBJECT && field.equals("reported")) {
                twin.setReported(section(parser));
            } else {
                parser.skipChildren();
            }
        }
    }

    /** One of {@code desired} or {@code reported}: its keys, its {@code $version}, its {@code $metadata} tree. */
    private static TwinProperties section(JsonParser parser) throws IOException {
        TwinProperties.Builder section = TwinProperties.newBuilder();
        Struct.Builder properties = Struct.newBuilder();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            if (field.equals(METADATA)) {
                if (token == JsonToken.START_OBJECT) {
                    section.setMetadata(metadata(parser));
                } else {
                    parser.skipChildren();
                }
            } else if (field.equals(VERSION)) {
                if (token.isNumeric()) {
                    section.setVersion(parser.getValueAsLong());
                }
            } else {
                properties.putFields(field, value(parser, token));
            }
        }
        return section.setProperties(properties).build();
    }

    /**
     * A {@code $metadata} node: its {@code $lastUpdated} and {@code $lastUpdatedVersion}, and one
     * child node per key below it. Anything else IoT Hub may add there is left out, so the tree
     * has the same shape whichever path read the twin.
     */
    private static Struct metadata(JsonParser parser) throws IOException {
        Struct.Builder node = Struct.newBuilder();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            if (field.equals(LAST_UPDATED) && token == JsonToken.VALUE_STRING) {
                node.putFields(LAST_UPDATED, Value.newBuilder().setStringValue(parser.getText()).build());
            } else if (field.equals(LAST_UPDATED_VERSION) && token.isNumeric()) {
                node.putFields(LAST_UPDATED_VERSION, Value.newBuilder().setNumberValue(parser.getDoubleValue()).build());
            } else if (token == JsonToken.START_OBJECT && !field.startsWith("$")) {
                node.putFields(field, Value.newBuilder().setStructValue(metadata(parser)).build());
            } else {
                parser.skipChildren();
            }
        }
        return node.build();
    }

    /** A JSON object as a Struct; anything else as an empty one (tags are always an object). */
    private static Struct object(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return Struct.getDefaultInstance();
        }
        return struct(parser);
    }

    private static Struct struct(JsonParser parser) throws IOException {
        Struct.Builder struct = Struct.newBuilder();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            struct.putFields(field, value(parser, parser.nextToken()));
        }
        return struct.build();
    }

    private static Value value(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> Value.newBuilder().setStructValue(struct(parser)).build();
            case START_ARRAY -> {
                ListValue.Builder list = ListValue.newBuilder();
                for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
                    list.addValues(value(parser, element));
                }
                yield Value.newBuilder().setListValue(list).build();
            }
            case VALUE_STRING -> Value.newBuilder().setStringValue(parser.getText()).build();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> Value.newBuilder().setNumberValue(parser.getDoubleValue()).build();
            case VALUE_TRUE -> Value.newBuilder().setBoolValue(true).build();
            case VALUE_FALSE -> Value.newBuilder().setBoolValue(false).build();
            case VALUE_NULL -> Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
            default -> throw new JsonParseException(parser, "unexpected JSON token " + token);
        };
    }
}
