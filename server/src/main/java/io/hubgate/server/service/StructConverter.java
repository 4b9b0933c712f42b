package io.hubgate.server.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between protobuf's JSON types (Struct, Value) and what the IoT Hub SDK takes and
 * gives: plain Java maps, lists and scalars (twin collections, method payloads) and Gson trees.
 *
 * <p>protobuf numbers are doubles; a whole number that fits a long is passed on as a long, so
 * that {@code 30} stays {@code 30} in the twin instead of becoming {@code 30.0}.
 */
final class StructConverter {

    /** Whole doubles up to 2^53 are exact; beyond that they are passed on as doubles. */
    private static final double MAX_EXACT_WHOLE = 9_007_199_254_740_992d;

    private StructConverter() {
    }

    static Map<String, Object> toMap(Struct struct) {
        Map<String, Object> map = new LinkedHashMap<>();
        struct.getFieldsMap().forEach((key, value) -> map.put(key, toJava(value)));
        return map;
    }

    static Object toJava(Value value) {
        return switch (value.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> null;
            case BOOL_VALUE -> value.getBoolValue();
            case STRING_VALUE -> value.getStringValue();
            case NUMBER_VALUE -> number(value.getNumberValue());
            case STRUCT_VALUE -> toMap(value.getStructValue());
            case LIST_VALUE -> {
                List<Object> list = new ArrayList<>();
                value.getListValue().getValuesList().forEach(element -> list.add(toJava(element)));
                yield list;
            }
        };
    }

    private static Object number(double number) {
        if (number == Math.rint(number) && Math.abs(number) <= MAX_EXACT_WHOLE && !Double.isInfinite(number)) {
            return (long) number;
        }
        return number;
    }

    static Struct toStruct(Map<String, ?> map) {
        Struct.Builder struct = Struct.newBuilder();
        if (map != null) {
            map.forEach((key, value) -> struct.putFields(key, toValue(value)));
        }
        return struct.build();
    }

    @SuppressWarnings("unchecked")
    static Value toValue(Object value) {
        if (value == null) {
            return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        }
        if (value instanceof Boolean b) {
            return Value.newBuilder().setBoolValue(b).build();
        }
        if (value instanceof Number n) {
            return Value.newBuilder().setNumberValue(n.doubleValue()).build();
        }
        if (value instanceof CharSequence s) {
            return Value.newBuilder().setStringValue(s.toString()).build();
        }
        if (value instanceof Map<?, ?> m) {
            return Value.newBuilder().setStructValue(toStruct((Map<String, ?>) m)).build();
        }
        if (value instanceof List<?> list) {
            ListValue.Builder values = ListValue.newBuilder();
            list.forEach(element -> values.addValues(toValue(element)));
            return Value.newBuilder().setListValue(values).build();
        }
        if (value instanceof JsonElement json) {
            return fromGson(json);
        }
        return Value.newBuilder().setStringValue(value.toString()).build();
    }

    static Value fromGson(JsonElement json) {
        if (json == null || json.isJsonNull()) {
            return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        }
        if (json.isJsonObject()) {
            Struct.Builder struct = Struct.newBuilder();
            json.getAsJsonObject().entrySet().forEach(entry -> struct.putFields(entry.getKey(), fromGson(entry.getValue())));
            return Value.newBuilder().setStructValue(struct).build();
        }
        if (json.isJsonArray()) {
            ListValue.Builder values = ListValue.newBuilder();
            json.getAsJsonArray().forEach(element -> values.addValues(fromGson(element)));
            return Value.newBuilder().setListValue(values).build();
        }
        JsonPrimitive primitive = json.getAsJsonPrimitive();
        if (primitive.isBoolean()) {
            return Value.newBuilder().setBoolValue(primitive.getAsBoolean()).build();
        }
        if (primitive.isNumber()) {
            return Value.newBuilder().setNumberValue(primitive.getAsDouble()).build();
        }
        return Value.newBuilder().setStringValue(primitive.getAsString()).build();
    }

    static JsonElement toGson(Value value) {
        return switch (value.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> JsonNull.INSTANCE;
            case BOOL_VALUE -> new JsonPrimitive(value.getBoolValue());
            case STRING_VALUE -> new JsonPrimitive(value.getStringValue());
            case NUMBER_VALUE -> new JsonPrimitive((Number) number(value.getNumberValue()));
            case STRUCT_VALUE -> {
                JsonObject object = new JsonObject();
                value.getStructValue().getFieldsMap().forEach((key, field) -> object.add(key, toGson(field)));
                yield object;
            }
            case LIST_VALUE -> {
                JsonArray array = new JsonArray();
                value.getListValue().getValuesList().forEach(element -> array.add(toGson(element)));
                yield array;
            }
        };
    }
}
