package io.hubgate.server.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import io.hubgate.api.v1.ListModulesResponse;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Pages over a device's modules. IoT Hub returns all of them (at most 50) in one call; the
 * gateway pages them anyway so ListModules behaves like every other list.
 */
final class ModulePages {

    private ModulePages() {
    }

    static int offset(String pageToken, String deviceId) {
        if (pageToken.isEmpty()) {
            return 0;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
            int colon = text.lastIndexOf(':');
            if (colon < 0 || !text.substring(0, colon).equals(deviceId)) {
                throw new IllegalArgumentException("another device");
            }
            int offset = Integer.parseInt(text.substring(colon + 1));
            if (offset < 0) {
                throw new IllegalArgumentException("negative");
            }
            return offset;
        } catch (RuntimeException malformed) {
            throw Validation.invalidField("page_token", "the page token is malformed or belongs to another device");
        }
    }

    /** @param modules the device's modules as IoT Hub lists them (JSON); listings never carry keys */
    static ListModulesResponse page(JsonArray modules, String deviceId, int offset, int size) {
        List<io.hubgate.api.v1.Module> sorted = new java.util.ArrayList<>();
        for (JsonElement module : modules) {
            if (module.isJsonObject()) {
                sorted.add(IdentityJson.toModule(module.getAsJsonObject(), false));
            }
        }
        sorted.sort(Comparator.comparing(io.hubgate.api.v1.Module::getModuleId));
        ListModulesResponse.Builder response = ListModulesResponse.newBuilder();
        int end = Math.min(sorted.size(), offset + size);
        for (int i = offset; i < end; i++) {
            response.addModules(sorted.get(i));
        }
        if (end < sorted.size()) {
            response.setNextPageToken(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((deviceId + ":" + end).getBytes(StandardCharsets.UTF_8)));
        }
        return response.build();
    }
}
