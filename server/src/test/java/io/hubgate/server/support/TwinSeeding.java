package io.hubgate.server.support;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates many devices with tags straight in the emulator, through IoT Hub's bulk registry call
 * ({@code POST /devices}, 100 items a request) over HTTPS: the same wire path a real hub takes,
 * but a hundred times fewer round trips than creating them one by one through the gateway. Used
 * to set up query tests, never to exercise the gateway itself.
 */
public final class TwinSeeding {

    /** IoT Hub's limit of items per bulk request. */
    public static final int BULK_ITEMS = 100;
    private static final String API_VERSION = "2021-04-12";

    private final EmulatorCoordinates hub;
    private final HttpClient client;

    public TwinSeeding(EmulatorCoordinates hub) {
        this.hub = hub;
        this.client = HttpClient.newBuilder().sslContext(hub.trustingSslContext())
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * Creates devices {@code prefix-00000} … with tag {@code batch = prefix} and tag {@code n} = their
     * index; returns their ids in creation order.
     */
    public List<String> createDevices(String prefix, int count) {
        return createDevices(prefix, count, 0);
    }

    /**
     * As {@link #createDevices(String, int)}, each twin also carrying tag {@code pad}: a string of
     * {@code padChars} ASCII characters (at most 4096, IoT Hub's limit for a string value), to make
     * twins as large as a real fleet's.
     */
    public List<String> createDevices(String prefix, int count, int padChars) {
        String pad = "p".repeat(padChars);
        List<String> ids = new ArrayList<>(count);
        for (int start = 0; start < count; start += BULK_ITEMS) {
            ArrayNode items = Json.MAPPER.createArrayNode();
            for (int i = start; i < Math.min(count, start + BULK_ITEMS); i++) {
                String id = String.format("%s-%05d", prefix, i);
                ids.add(id);
                ObjectNode item = items.addObject();
                item.put("id", id);
                item.put("importMode", "create");
                ObjectNode tags = item.putObject("tags").put("batch", prefix).put("n", i);
                if (padChars > 0) {
                    tags.put("pad", pad);
                }
            }
            post(items.toString());
        }
        return ids;
    }

    private void post(String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/devices?api-version=" + API_VERSION))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", hub.sasToken("iothubowner", Duration.ofHours(1)))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("bulk create answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("bulk create failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while seeding devices", e);
        }
    }
}
